//! A check of a shared library's ELF structure before it is handed to `dlopen`.
//!
//! `dlopen` maps every loadable segment of a library as its program headers describe it.
//! When the file is shorter than they say (an interrupted download, a disk that filled
//! up), the mapping reaches past the end of the file and the first touch of those pages
//! kills the process with `SIGBUS`; there is no error to catch. So the headers are read
//! first and every segment the loader maps, and the section header table that closes a
//! complete file, must lie within the file.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// `PT_LOAD`: a segment the loader maps.
const PT_LOAD: u32 = 1;
/// `PT_DYNAMIC`: the dynamic section, which the loader reads.
const PT_DYNAMIC: u32 = 2;
/// The most program headers a sane library has; more means the header is garbage.
const MAX_PROGRAM_HEADERS: u64 = 4096;

/// Why a file is not a complete ELF shared library.
#[derive(Debug)]
pub(crate) enum Invalid {
    /// The file could not be read.
    Io(std::io::Error),
    /// The file is not ELF, or its header is inconsistent.
    Structure(String),
    /// A part the loader needs lies beyond the end of the file.
    Truncated(String),
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Invalid::Io(e) => write!(f, "cannot read it: {e}"),
            Invalid::Structure(why) => write!(f, "it is not a valid ELF shared library: {why}"),
            Invalid::Truncated(why) => write!(f, "it is truncated: {why}"),
        }
    }
}

/// Check that `path` is an ELF file whose loadable segments all lie within it.
///
/// Files that are not ELF at all (a Mach-O `.dylib`, a Windows `.pyd`) are left to the
/// platform's loader on those platforms; on Linux and the other ELF systems they are an
/// error here.
pub(crate) fn check(path: &Path) -> Result<(), Invalid> {
    let mut file = File::open(path).map_err(Invalid::Io)?;
    let len = file.metadata().map_err(Invalid::Io)?.len();
    let mut ident = [0u8; 64];
    let got = read_up_to(&mut file, &mut ident).map_err(Invalid::Io)?;
    if got < 16 || ident[..4] != *b"\x7fELF" {
        if cfg!(any(target_os = "macos", target_os = "ios", windows)) {
            return Ok(());
        }
        return Err(Invalid::Structure(format!(
            "it does not start with the ELF magic number ({len} bytes)"
        )));
    }
    let header = Header::read(&ident[..got], len)?;
    let table_len = header.phnum * header.phentsize;
    let table_end = header
        .phoff
        .checked_add(table_len)
        .ok_or_else(|| Invalid::Structure("the program header table overflows".into()))?;
    if table_end > len {
        return Err(Invalid::Truncated(format!(
            "the program header table ends at byte {table_end}, but the file has {len} bytes"
        )));
    }
    let mut table = vec![0u8; table_len as usize];
    file.seek(SeekFrom::Start(header.phoff))
        .and_then(|_| file.read_exact(&mut table))
        .map_err(Invalid::Io)?;
    let mut loads = 0;
    for (i, entry) in table.chunks_exact(header.phentsize as usize).enumerate() {
        let (kind, offset, filesz) = header.program_header(entry);
        if kind != PT_LOAD && kind != PT_DYNAMIC {
            continue;
        }
        loads += u32::from(kind == PT_LOAD);
        let end = offset.checked_add(filesz).ok_or_else(|| {
            Invalid::Structure(format!("segment {i} overflows ({offset} + {filesz})"))
        })?;
        if end > len {
            let what = if kind == PT_LOAD {
                "loadable segment"
            } else {
                "dynamic segment"
            };
            return Err(Invalid::Truncated(format!(
                "{what} {i} ends at byte {end}, but the file has {len} bytes"
            )));
        }
    }
    if loads == 0 {
        return Err(Invalid::Structure("it has no loadable segment".into()));
    }
    // The linker writes the section header table last: a file cut anywhere is missing it.
    if header.shoff != 0 {
        let end = header
            .shnum
            .checked_mul(header.shentsize)
            .and_then(|size| size.checked_add(header.shoff))
            .ok_or_else(|| Invalid::Structure("the section header table overflows".into()))?;
        if end > len {
            return Err(Invalid::Truncated(format!(
                "the section header table ends at byte {end}, but the file has {len} bytes"
            )));
        }
    }
    Ok(())
}

/// Read until `buf` is full or the file ends; the number of bytes read.
fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// The fields of the ELF header this check uses, for either class and byte order.
struct Header {
    wide: bool,
    little: bool,
    phoff: u64,
    phentsize: u64,
    phnum: u64,
    shoff: u64,
    shentsize: u64,
    shnum: u64,
}

impl Header {
    fn read(bytes: &[u8], len: u64) -> Result<Header, Invalid> {
        let wide = match bytes[4] {
            1 => false,
            2 => true,
            other => return Err(Invalid::Structure(format!("unknown ELF class {other}"))),
        };
        let little = match bytes[5] {
            1 => true,
            2 => false,
            other => return Err(Invalid::Structure(format!("unknown byte order {other}"))),
        };
        let size = if wide { 64 } else { 52 };
        if bytes.len() < size {
            return Err(Invalid::Truncated(format!(
                "the ELF header needs {size} bytes, but the file has {len}"
            )));
        }
        let field = |at: usize, width: usize| read_uint(&bytes[at..at + width], little);
        let (phoff, shoff, rest) = if wide {
            (field(32, 8), field(40, 8), 52)
        } else {
            (field(28, 4), field(32, 4), 40)
        };
        let header = Header {
            wide,
            little,
            phoff,
            shoff,
            phentsize: field(rest + 2, 2),
            phnum: field(rest + 4, 2),
            shentsize: field(rest + 6, 2),
            shnum: field(rest + 8, 2),
        };
        let entry = if wide { 56 } else { 32 };
        if header.phnum == 0 || header.phnum > MAX_PROGRAM_HEADERS {
            return Err(Invalid::Structure(format!(
                "it has {} program headers",
                header.phnum
            )));
        }
        if header.phentsize < entry {
            return Err(Invalid::Structure(format!(
                "program headers of {} bytes are too small",
                header.phentsize
            )));
        }
        Ok(header)
    }

    /// `(p_type, p_offset, p_filesz)` of one program header entry.
    fn program_header(&self, entry: &[u8]) -> (u32, u64, u64) {
        let field = |at: usize, width: usize| read_uint(&entry[at..at + width], self.little);
        let kind = field(0, 4) as u32;
        if self.wide {
            (kind, field(8, 8), field(32, 8))
        } else {
            (kind, field(4, 4), field(16, 4))
        }
    }
}

fn read_uint(bytes: &[u8], little: bool) -> u64 {
    let fold = |acc: u64, b: &u8| (acc << 8) | u64::from(*b);
    if little {
        bytes.iter().rev().fold(0, fold)
    } else {
        bytes.iter().fold(0, fold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal 64-bit little-endian ELF: the header, one `PT_LOAD` program header
    /// covering `load_len` bytes from offset 0, and no section headers.
    fn elf(load_len: u64) -> Vec<u8> {
        let mut out = vec![0u8; 64 + 56];
        out[..4].copy_from_slice(b"\x7fELF");
        out[4] = 2;
        out[5] = 1;
        out[32..40].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
        out[54..56].copy_from_slice(&56u16.to_le_bytes()); // e_phentsize
        out[56..58].copy_from_slice(&1u16.to_le_bytes()); // e_phnum
        out[64..68].copy_from_slice(&PT_LOAD.to_le_bytes());
        out[64 + 32..64 + 40].copy_from_slice(&load_len.to_le_bytes()); // p_filesz
        out
    }

    fn check_bytes(bytes: &[u8]) -> Result<(), Invalid> {
        // One file per call: the tests run in parallel, several with files of one length.
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("kcl-runtime-elf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{call}.so"));
        std::fs::write(&path, bytes).unwrap();
        let result = check(&path);
        let _ = std::fs::remove_file(&path);
        result
    }

    #[test]
    fn a_library_whose_segments_lie_within_it_passes() {
        check_bytes(&elf(120)).unwrap();
    }

    #[test]
    fn a_segment_past_the_end_of_the_file_is_truncation() {
        let err = check_bytes(&elf(4096)).unwrap_err();
        assert!(
            matches!(&err, Invalid::Truncated(why) if why.contains("4096") && why.contains("120 bytes")),
            "{err}"
        );
    }

    #[test]
    fn a_file_cut_inside_its_headers_is_truncation_and_garbage_is_not_elf() {
        let err = check_bytes(&elf(120)[..90]).unwrap_err();
        assert!(matches!(err, Invalid::Truncated(_)), "{err}");
        let err = check_bytes(&elf(120)[..40]).unwrap_err();
        assert!(matches!(err, Invalid::Truncated(_)), "{err}");
        let err = check_bytes(b"not a library at all").unwrap_err();
        assert!(matches!(err, Invalid::Structure(_)), "{err}");
        let mut bad = elf(120);
        bad[56..58].copy_from_slice(&0u16.to_le_bytes());
        assert!(matches!(check_bytes(&bad), Err(Invalid::Structure(_))));
    }
}

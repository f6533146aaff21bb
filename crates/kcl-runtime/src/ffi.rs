//! The KCL C service API, reached through `libloading`.

use std::ffi::{CString, c_char, c_void};
use std::path::Path;
use std::sync::{Mutex, mpsc};

use libloading::{Library, Symbol};
use prost::Message;

use crate::discovery::{
    KCL_LIB_PATH_ENV, KCL_LIB_VERSION, KCL_LIBPYTHON_PATH_ENV, LibraryPaths, pip_install_into,
};
use crate::elf;
use crate::error::{Error, KclError, KclErrorKind, LoadError, LoadErrorKind};

type ServiceNew = unsafe extern "C" fn(plugin_agent: u64) -> *mut c_void;
type ServiceDelete = unsafe extern "C" fn(service: *mut c_void);
type ServiceFreeString = unsafe extern "C" fn(ptr: *const c_char);
type ServiceCall = unsafe extern "C" fn(
    service: *mut c_void,
    method: *const c_char,
    args: *const u8,
    args_len: usize,
    result_len: *mut usize,
) -> *const c_char;

/// The prefix the service puts before the text of a failed call instead of a message.
const ERROR_PREFIX: &[u8] = b"ERROR:";

/// One KCL service handle. The service is not documented as safe to share between
/// threads, so each handle is used by one thread at a time (see [`KclLibrary::call`]).
struct Service(*mut c_void);

// SAFETY: a handle is used by one call at a time: the thread that took it out of the pool
// hands it to the thread it starts for the call and waits for that thread to finish.
unsafe impl Send for Service {}

/// The loaded KCL library and the entry points this crate uses.
pub(crate) struct KclLibrary {
    service_new: ServiceNew,
    service_delete: ServiceDelete,
    free_string: ServiceFreeString,
    call: ServiceCall,
    /// Idle service handles; a call takes one (or makes one) and puts it back.
    idle: Mutex<Vec<Service>>,
    /// Idle worker threads; a call takes one (or starts one) and puts it back.
    workers: Mutex<Vec<Worker>>,
    // The libraries stay loaded as long as the function pointers above are in use; the
    // KCL library goes before libpython, whose symbols it was linked against.
    _kcl: Library,
    _libpython: Library,
}

impl KclLibrary {
    /// Load libpython (for the symbols the extension module links against; the
    /// interpreter is never initialised) and then the KCL library, after checking that the
    /// library file is whole (a truncated one would kill the process inside `dlopen`).
    pub(crate) fn open(paths: &LibraryPaths) -> Result<Self, LoadError> {
        let libpython = open_libpython(&paths.libpython)?;
        check_library_file(&paths.library)?;
        // SAFETY: loading the library runs its initialisers, which only set up Rust
        // statics; its Python symbols were resolved against libpython above.
        let kcl = unsafe { Library::new(&paths.library) }.map_err(|e| {
            let text = e.to_string();
            if text.contains("undefined symbol: Py") || text.contains("undefined symbol: _Py") {
                // The library wants Python symbols that this libpython lacks: another
                // Python version than the one the wheel was built for.
                libpython_error(&paths.libpython, |it| {
                    format!(
                        "the KCL library {} needs Python symbols that {it} does not have: it \
                         is not the Python the kcl-lib wheel was built for",
                        paths.library.display()
                    )
                })
                .with_source(e)
            } else {
                LoadError::new(
                    LoadErrorKind::Library,
                    format!("cannot load the KCL library {}", paths.library.display()),
                    library_advice(&paths.library),
                )
                .with_source(e)
                .tried(paths.library.clone())
            }
        })?;
        let library = &paths.library;
        // SAFETY: the symbol types match the KCL C service API (kcl/kclvm/api/src/capi).
        let (service_new, service_delete, free_string, call) = unsafe {
            (
                entry_point::<ServiceNew>(&kcl, library, "kcl_service_new")?,
                entry_point::<ServiceDelete>(&kcl, library, "kcl_service_delete")?,
                entry_point::<ServiceFreeString>(&kcl, library, "kcl_service_free_string")?,
                entry_point::<ServiceCall>(&kcl, library, "kcl_service_call_with_length")?,
            )
        };
        Ok(KclLibrary {
            service_new,
            service_delete,
            free_string,
            call,
            idle: Mutex::new(Vec::new()),
            workers: Mutex::new(Vec::new()),
            _kcl: kcl,
            _libpython: libpython,
        })
    }

    /// Call a service method with a protobuf message and decode the protobuf answer.
    ///
    /// The call runs on another thread with a stack of at least `stack` bytes (see
    /// [`stack_size`]): KCL's parser and evaluator recurse once per level of nesting, and a
    /// stack overflow inside the library would abort the whole process. Calls that fit in
    /// [`WORKER_STACK`] run on a pooled worker thread (starting a thread per call costs
    /// about as much as a small evaluation); larger ones on a thread of their own.
    pub(crate) fn call<A: Message, R: Message + Default>(
        &self,
        method: &'static str,
        args: &A,
        stack: usize,
    ) -> Result<R, Error> {
        let method_c = CString::new(method)
            .map_err(|_| Error::Protocol(format!("the method name {method:?} holds a NUL")))?;
        let args = args.encode_to_vec();
        let service = self.take_service()?;
        let raw = if stack <= WORKER_STACK {
            self.call_on_worker(&service, method_c, args)
        } else {
            self.call_on_own_thread(&service, &method_c, &args, stack)
        };
        self.put_service(service);
        let bytes = raw?.ok_or_else(|| Error::Protocol(format!("{method} returned no result")))?;
        if let Some(text) = bytes.strip_prefix(ERROR_PREFIX) {
            let text = String::from_utf8_lossy(text);
            return Err(KclError::parse(KclErrorKind::Compile, text.trim()).into());
        }
        R::decode(bytes.as_slice())
            .map_err(|e| Error::Protocol(format!("cannot decode the answer of {method}: {e}")))
    }

    /// Run one service call on a new thread with a `stack`-byte stack and copy its answer.
    ///
    /// When the system refuses a stack that large (strict overcommit, a small address
    /// space), smaller ones are tried down to [`MIN_STACK`].
    fn call_on_own_thread(
        &self,
        service: &Service,
        method: &CString,
        args: &[u8],
        stack: usize,
    ) -> Result<Option<Vec<u8>>, Error> {
        let service = service.0 as usize;
        let mut size = stack.max(MIN_STACK);
        std::thread::scope(|scope| {
            loop {
                let spawned = std::thread::Builder::new()
                    .name("kcl-runtime".into())
                    .stack_size(size)
                    .spawn_scoped(scope, || {
                        // SAFETY: the handle is used by this thread only until it is joined
                        // below, and `method` and `args` outlive it.
                        unsafe {
                            raw_call(
                                self.call,
                                self.free_string,
                                service as *mut c_void,
                                method,
                                args,
                            )
                        }
                    });
                match spawned {
                    Ok(handle) => {
                        return handle.join().map_err(|_| {
                            Error::Protocol("the thread that called KCL panicked".into())
                        });
                    }
                    Err(_) if size / 2 >= MIN_STACK => size /= 2,
                    Err(e) => {
                        return Err(Error::io(
                            format!(
                                "cannot start a thread with a {} MiB stack to run KCL on",
                                size >> 20
                            ),
                            e,
                        ));
                    }
                }
            }
        })
    }

    /// Run one service call on a pooled worker thread.
    fn call_on_worker(
        &self,
        service: &Service,
        method: CString,
        args: Vec<u8>,
    ) -> Result<Option<Vec<u8>>, Error> {
        let idle = self.workers.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let worker = match idle {
            Some(worker) => worker,
            None => match Worker::start(self.call, self.free_string) {
                Ok(worker) => worker,
                // The system refuses a stack this large: try smaller ones.
                Err(_) => return self.call_on_own_thread(service, &method, &args, WORKER_STACK),
            },
        };
        let stopped = || Error::Protocol("the thread that calls KCL has stopped".into());
        worker
            .jobs
            .send(Job {
                service: service.0 as usize,
                method,
                args,
            })
            .map_err(|_| stopped())?;
        // Until the answer is back the worker uses `service`, which the caller holds.
        let answer = worker.answers.recv().map_err(|_| stopped())?;
        self.workers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(worker);
        Ok(answer)
    }

    fn take_service(&self) -> Result<Service, Error> {
        if let Some(service) = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop() {
            return Ok(service);
        }
        // SAFETY: 0 means "no plugin agent"; the handle is deleted in `Drop`.
        let ptr = unsafe { (self.service_new)(0) };
        if ptr.is_null() {
            return Err(Error::Protocol("kcl_service_new returned null".into()));
        }
        Ok(Service(ptr))
    }

    fn put_service(&self, service: Service) {
        self.idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(service);
    }
}

impl Drop for KclLibrary {
    fn drop(&mut self) {
        // Stop the workers before the library their code is in goes away.
        let workers = std::mem::take(self.workers.get_mut().unwrap_or_else(|e| e.into_inner()));
        for worker in workers {
            let Worker { jobs, thread, .. } = worker;
            drop(jobs);
            let _ = thread.join();
        }
        let idle = std::mem::take(self.idle.get_mut().unwrap_or_else(|e| e.into_inner()));
        for service in idle {
            // SAFETY: every pooled handle came from `service_new` and is no longer in use.
            unsafe { (self.service_delete)(service.0) };
        }
    }
}

/// One service call, handed to a worker thread.
struct Job {
    /// The service handle, which the caller holds until the answer is back.
    service: usize,
    method: CString,
    args: Vec<u8>,
}

/// A thread with a [`WORKER_STACK`] stack that runs service calls one at a time, for as
/// long as the library is loaded.
struct Worker {
    jobs: mpsc::Sender<Job>,
    answers: mpsc::Receiver<Option<Vec<u8>>>,
    thread: std::thread::JoinHandle<()>,
}

impl Worker {
    fn start(call: ServiceCall, free_string: ServiceFreeString) -> std::io::Result<Worker> {
        let (jobs, job_queue) = mpsc::channel::<Job>();
        let (answer, answers) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("kcl-runtime".into())
            .stack_size(WORKER_STACK)
            .spawn(move || {
                for job in job_queue {
                    // SAFETY: the caller holds the handle, and uses it nowhere else, until it
                    // has the answer.
                    let result = unsafe {
                        raw_call(
                            call,
                            free_string,
                            job.service as *mut c_void,
                            &job.method,
                            &job.args,
                        )
                    };
                    if answer.send(result).is_err() {
                        break;
                    }
                }
            })?;
        Ok(Worker {
            jobs,
            answers,
            thread,
        })
    }
}

/// Call the service and copy its answer out of the buffer it returns, which is freed.
///
/// # Safety
///
/// `call` and `free_string` are the library's; `service` is a live handle that no other
/// thread uses during the call.
unsafe fn raw_call(
    call: ServiceCall,
    free_string: ServiceFreeString,
    service: *mut c_void,
    method: &CString,
    args: &[u8],
) -> Option<Vec<u8>> {
    let mut result_len = 0usize;
    // SAFETY: see the function's contract; the answer is `result_len` bytes long.
    unsafe {
        let ptr = call(
            service,
            method.as_ptr(),
            args.as_ptr(),
            args.len(),
            &mut result_len,
        );
        if ptr.is_null() {
            return None;
        }
        let bytes = std::slice::from_raw_parts(ptr.cast::<u8>(), result_len).to_vec();
        free_string(ptr);
        Some(bytes)
    }
}

/// The stack of a pooled worker thread: calls whose program text needs no more (by
/// [`stack_size`], up to 128 KiB of text on 64-bit systems) run on one. It is reserved
/// address space: the pages a call touches stay with the worker, the rest takes no memory.
#[cfg(target_pointer_width = "64")]
pub(crate) const WORKER_STACK: usize = 1 << 30;
#[cfg(not(target_pointer_width = "64"))]
pub(crate) const WORKER_STACK: usize = 64 << 20;

/// The smallest stack a KCL call gets, whatever the program: what the deepest nesting
/// KCL itself allows needs (its JSON output stops at 128 levels) with a wide margin, and
/// a recursive lambda or schema some ten thousand calls deep.
pub(crate) const MIN_STACK: usize = 64 << 20;

/// The largest stack a call asks for. The stack is reserved address space; only the
/// pages a call touches take memory.
#[cfg(target_pointer_width = "64")]
pub(crate) const MAX_STACK: usize = 4 << 30;
#[cfg(not(target_pointer_width = "64"))]
pub(crate) const MAX_STACK: usize = 256 << 20;

/// Stack bytes per byte of program text. Measured with kcl-lib 0.12.3: one level of
/// nesting takes at most about 4.3 KiB of stack (nested dicts `{a = {a = ...}}`; nested
/// lists about 2.9 KiB, parentheses 2 KiB, a `+` chain 1.4 KiB per term), and every level
/// takes at least one byte of text, so twice the worst keeps any nesting written in the
/// program within the stack.
const STACK_PER_SOURCE_BYTE: usize = 8 << 10;

/// The stack for a call whose program text (sources and options) is `input_bytes` long.
pub(crate) fn stack_size(input_bytes: usize) -> usize {
    input_bytes
        .saturating_mul(STACK_PER_SOURCE_BYTE)
        .clamp(MIN_STACK, MAX_STACK)
}

/// Open libpython, and make sure it is libpython.
fn open_libpython(path: &Path) -> Result<Library, LoadError> {
    if !path.is_file() {
        return Err(libpython_error(path, |it| format!("{it} does not exist")));
    }
    let library = open_global(path)
        .map_err(|e| libpython_error(path, |it| format!("cannot load {it}")).with_source(e))?;
    // SAFETY: only the symbol's presence is checked; it is never called.
    let found = unsafe { library.get::<*const c_void>(b"Py_IsInitialized\0") };
    if found.is_err() {
        return Err(libpython_error(path, |it| {
            format!("{it} is not libpython: it does not export `Py_IsInitialized`")
        }));
    }
    Ok(library)
}

/// A libpython problem. `reason` says what is wrong with `libpython <path>`, which names
/// the variable when that is where the path came from.
fn libpython_error(path: &Path, reason: impl FnOnce(&str) -> String) -> LoadError {
    let from_env = std::env::var_os(KCL_LIBPYTHON_PATH_ENV).is_some_and(|v| Path::new(&v) == path);
    let (subject, advice) = if from_env {
        (
            format!(
                "libpython {} (named by {KCL_LIBPYTHON_PATH_ENV})",
                path.display()
            ),
            format!(
                "set {KCL_LIBPYTHON_PATH_ENV} to the shared libpython3.X.so of the Python that \
                 installed kcl-lib, or unset it to use the one python3 reports"
            ),
        )
    } else {
        (
            format!("libpython {}", path.display()),
            format!(
                "install Python 3 with its shared library (Debian: apt-get install \
                 libpython3-dev), or set {KCL_LIBPYTHON_PATH_ENV} to the libpython3.X.so of \
                 the Python that installed kcl-lib"
            ),
        )
    };
    LoadError::new(LoadErrorKind::Libpython, reason(&subject), advice).tried(path.to_path_buf())
}

/// Refuse a library file that `dlopen` would crash on, or that pip recorded another size
/// for.
fn check_library_file(library: &Path) -> Result<(), LoadError> {
    let invalid = |why: String| {
        LoadError::new(
            LoadErrorKind::Library,
            format!(
                "the KCL library {} is damaged (an interrupted download or copy?): {why}",
                library.display()
            ),
            library_advice(library),
        )
        .tried(library.to_path_buf())
    };
    if let Err(e) = elf::check(library) {
        return Err(match e {
            elf::Invalid::Io(io) => invalid("cannot read it".into()).with_source(io),
            other => invalid(other.to_string()),
        });
    }
    if let Some(recorded) = recorded_size(library) {
        let actual = std::fs::metadata(library).map(|m| m.len()).unwrap_or(0);
        if actual != recorded {
            return Err(invalid(format!(
                "it has {actual} bytes, but the package's RECORD says {recorded}"
            )));
        }
    }
    Ok(())
}

/// The size pip recorded for the library when it installed the `kcl_lib` package it sits
/// in: `<dir>/kcl_lib-<version>.dist-info/RECORD` lists `kcl_lib/<file>,sha256=...,<size>`.
fn recorded_size(library: &Path) -> Option<u64> {
    let package = library.parent()?;
    let root = package.parent()?;
    let entry = format!(
        "{}/{},",
        package.file_name()?.to_str()?,
        library.file_name()?.to_str()?
    );
    std::fs::read_dir(root)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("kcl_lib-") && name.ends_with(".dist-info")
        })
        .filter_map(|e| std::fs::read_to_string(e.path().join("RECORD")).ok())
        .find_map(|record| {
            record
                .lines()
                .find_map(|line| line.strip_prefix(&entry))
                .and_then(|rest| rest.rsplit(',').next()?.trim().parse().ok())
        })
}

/// What to do about a damaged or unusable KCL library, depending on where it came from.
fn library_advice(library: &Path) -> String {
    if std::env::var_os(KCL_LIB_PATH_ENV).is_some_and(|v| Path::new(&v) == library) {
        return format!(
            "replace the file {KCL_LIB_PATH_ENV} names with a complete copy of the library, \
             or unset {KCL_LIB_PATH_ENV} to use a project-local install (target/kcl-lib/\
             {KCL_LIB_VERSION}) or the kcl_lib package of python3"
        );
    }
    let install = library.parent().and_then(Path::parent);
    match install {
        Some(dir) if dir.ends_with(Path::new("kcl-lib").join(KCL_LIB_VERSION)) => format!(
            "delete {} and install it again with `{}`",
            dir.display(),
            pip_install_into(dir)
        ),
        _ => format!(
            "reinstall it (python3 -m pip install --force-reinstall --no-deps \
             kcl-lib=={KCL_LIB_VERSION})"
        ),
    }
}

/// The entry point `name` of the KCL library at `path`, or an error saying that the file
/// is not a KCL runtime library.
///
/// # Safety
///
/// `T` must be the type of the symbol `name`.
unsafe fn entry_point<T: Copy>(kcl: &Library, path: &Path, name: &str) -> Result<T, LoadError> {
    // SAFETY: the caller vouches for the type.
    let symbol: Result<Symbol<T>, _> = unsafe { kcl.get(name.as_bytes()) };
    symbol.map(|symbol| *symbol).map_err(|e| {
        LoadError::new(
            LoadErrorKind::Library,
            format!(
                "{} is not a KCL runtime library: missing `{name}`",
                path.display()
            ),
            library_advice(path),
        )
        .with_source(e)
        .tried(path.to_path_buf())
    })
}

/// Open a library with its symbols visible to libraries loaded after it (`RTLD_GLOBAL`),
/// which the KCL extension module needs for its Python symbols.
fn open_global(path: &Path) -> Result<Library, libloading::Error> {
    #[cfg(unix)]
    {
        use libloading::os::unix::{Library as UnixLibrary, RTLD_GLOBAL, RTLD_NOW};
        // SAFETY: libpython's initialisers do not start the interpreter.
        unsafe { UnixLibrary::open(Some(path), RTLD_NOW | RTLD_GLOBAL) }.map(Library::from)
    }
    #[cfg(not(unix))]
    {
        // SAFETY: as above.
        unsafe { Library::new(path) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stack_grows_with_the_program_text_between_its_bounds() {
        assert_eq!(stack_size(0), MIN_STACK);
        assert_eq!(stack_size(1000), MIN_STACK);
        assert_eq!(stack_size(10_000), 10_000 * STACK_PER_SOURCE_BYTE);
        assert_eq!(stack_size(usize::MAX), MAX_STACK);
        // A generated composition of about 50 KB runs on a pooled worker.
        const { assert!(MIN_STACK <= WORKER_STACK && WORKER_STACK <= MAX_STACK) };
        assert!(stack_size(50_000) <= WORKER_STACK);
    }
}

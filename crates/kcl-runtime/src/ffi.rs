//! The KCL C service API, reached through `libloading`.

use std::ffi::{CString, c_char, c_void};
use std::sync::Mutex;

use libloading::{Library, Symbol};
use prost::Message;

use crate::discovery::LibraryPaths;
use crate::error::{Error, KclError, KclErrorKind, LoadError};

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

// SAFETY: a handle is only ever used by the thread that took it out of the pool.
unsafe impl Send for Service {}

/// The loaded KCL library and the entry points this crate uses.
pub(crate) struct KclLibrary {
    service_new: ServiceNew,
    service_delete: ServiceDelete,
    free_string: ServiceFreeString,
    call: ServiceCall,
    /// Idle service handles; a call takes one (or makes one) and puts it back.
    idle: Mutex<Vec<Service>>,
    // The libraries stay loaded as long as the function pointers above are in use; the
    // KCL library goes before libpython, whose symbols it was linked against.
    _kcl: Library,
    _libpython: Library,
}

impl KclLibrary {
    /// Load libpython (for the symbols the extension module links against; the
    /// interpreter is never initialised) and then the KCL library.
    pub(crate) fn open(paths: &LibraryPaths) -> Result<Self, LoadError> {
        let libpython = open_global(&paths.libpython).map_err(|e| {
            LoadError::new(format!(
                "cannot load libpython {}: {e}",
                paths.libpython.display()
            ))
            .tried(paths.libpython.clone())
        })?;
        // SAFETY: loading the library runs its initialisers, which only set up Rust
        // statics; its Python symbols were resolved against libpython above.
        let kcl = unsafe { Library::new(&paths.library) }.map_err(|e| {
            LoadError::new(format!(
                "cannot load the KCL library {}: {e}",
                paths.library.display()
            ))
            .tried(paths.library.clone())
        })?;
        let missing = |name: &str, e: libloading::Error| {
            LoadError::new(format!(
                "{} is not a KCL runtime library: missing `{name}` ({e})",
                paths.library.display()
            ))
            .tried(paths.library.clone())
        };
        // SAFETY: the symbol types match the KCL C service API (kcl/kclvm/api/src/capi).
        unsafe {
            let service_new: Symbol<ServiceNew> = kcl
                .get(b"kcl_service_new\0")
                .map_err(|e| missing("kcl_service_new", e))?;
            let service_delete: Symbol<ServiceDelete> = kcl
                .get(b"kcl_service_delete\0")
                .map_err(|e| missing("kcl_service_delete", e))?;
            let free_string: Symbol<ServiceFreeString> = kcl
                .get(b"kcl_service_free_string\0")
                .map_err(|e| missing("kcl_service_free_string", e))?;
            let call: Symbol<ServiceCall> = kcl
                .get(b"kcl_service_call_with_length\0")
                .map_err(|e| missing("kcl_service_call_with_length", e))?;
            Ok(KclLibrary {
                service_new: *service_new,
                service_delete: *service_delete,
                free_string: *free_string,
                call: *call,
                idle: Mutex::new(Vec::new()),
                _kcl: kcl,
                _libpython: libpython,
            })
        }
    }

    /// Call a service method with a protobuf message and decode the protobuf answer.
    pub(crate) fn call<A: Message, R: Message + Default>(
        &self,
        method: &str,
        args: &A,
    ) -> Result<R, Error> {
        let method = CString::new(method).expect("method names are static and have no NUL");
        let args = args.encode_to_vec();
        let service = self.take_service()?;
        let mut result_len = 0usize;
        // SAFETY: `service` is a live handle used by this thread only; `args` outlives the
        // call; the returned buffer is `result_len` bytes long and freed below.
        let bytes = unsafe {
            let ptr = (self.call)(
                service.0,
                method.as_ptr(),
                args.as_ptr(),
                args.len(),
                &mut result_len,
            );
            if ptr.is_null() {
                None
            } else {
                let bytes = std::slice::from_raw_parts(ptr.cast::<u8>(), result_len).to_vec();
                (self.free_string)(ptr);
                Some(bytes)
            }
        };
        self.put_service(service);
        let bytes = bytes.ok_or_else(|| {
            Error::Protocol(format!("{} returned no result", method.to_string_lossy()))
        })?;
        if let Some(text) = bytes.strip_prefix(ERROR_PREFIX) {
            let text = String::from_utf8_lossy(text);
            return Err(KclError::parse(KclErrorKind::Compile, text.trim()).into());
        }
        R::decode(bytes.as_slice()).map_err(|e| {
            Error::Protocol(format!(
                "cannot decode the answer of {}: {e}",
                method.to_string_lossy()
            ))
        })
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
        let idle = std::mem::take(self.idle.get_mut().unwrap_or_else(|e| e.into_inner()));
        for service in idle {
            // SAFETY: every pooled handle came from `service_new` and is no longer in use.
            unsafe { (self.service_delete)(service.0) };
        }
    }
}

/// Open a library with its symbols visible to libraries loaded after it (`RTLD_GLOBAL`),
/// which the KCL extension module needs for its Python symbols.
fn open_global(path: &std::path::Path) -> Result<Library, libloading::Error> {
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

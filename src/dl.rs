//! A thin, owned wrapper over `dlopen`/`dlsym`/`dlclose`/`dlerror`, and the
//! tables of loaded objects read through [`crate::elf`].
//!
//! All dynamic-linker calls of the crate go through here, so the unsafe code
//! that touches handles sits in one place.

use crate::elf::{Dynamic, GnuLookup, MappedImage, Segments, Symbol, gnu_hash};
use crate::escape::Escaped;
use crate::fallible::LineBuf;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::ptr::NonNull;
use std::sync::OnceLock;

/// The public prefix of glibc's `struct link_map` (`<link.h>`).
#[repr(C)]
struct LinkMap {
    l_addr: u64,
    l_name: *const c_char,
    l_ld: *const u8,
}

/// The last `dlerror()` text, copied into a fixed buffer (no allocation).
pub struct DlError(LineBuf<1024>);

impl DlError {
    fn last() -> DlError {
        let mut line = LineBuf::new();
        // SAFETY: dlerror returns NULL or a NUL-terminated string owned by
        // libc, valid until the next dl* call on this thread; it is copied
        // at once.
        unsafe {
            let msg = libc::dlerror();
            if msg.is_null() {
                line.push(b"unknown dynamic linker error");
            } else {
                line.push(CStr::from_ptr(msg).to_bytes());
            }
        }
        DlError(line)
    }
}

impl std::fmt::Display for DlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", Escaped(self.0.text()))
    }
}

/// A shared object opened with `dlopen`, closed when dropped.
#[derive(Debug)]
pub struct Library {
    handle: NonNull<c_void>,
    map: *const c_void,
    /// The object's memory and its dynamic section's address in it, from
    /// the link_map (meaningless when `map` is NULL).
    image: MappedImage,
    ld: u64,
}

impl Library {
    /// Opens `path` with `flags` (`RTLD_LAZY`, ...). The error is `dlerror()`'s
    /// text, kept in a fixed buffer (no allocation when memory runs out).
    ///
    /// # Safety
    /// `dlopen` runs the object's constructors, and dropping the value runs
    /// its destructors: arbitrary code, which the caller chooses to trust.
    /// The caller also vouches that the object follows the plugin ABI where
    /// it defines its symbols (a `CR_PLUGIN_DESC` is a `cr_plugin_desc_t`),
    /// which the descriptor reader of loaded plugins relies on.
    #[allow(
        clippy::result_large_err,
        reason = "kept on the stack: no allocation when memory runs out"
    )]
    pub unsafe fn open(path: &CStr, flags: c_int) -> Result<Library, DlError> {
        // SAFETY: path is NUL-terminated; running the object's code is the
        // caller's decision (this function's contract).
        let handle = unsafe { libc::dlopen(path.as_ptr(), flags) };
        let handle = NonNull::new(handle).ok_or_else(DlError::last)?;
        let map = link_map_of(handle.as_ptr());
        let (bias, ld) = if map.is_null() {
            (0, 0)
        } else {
            // SAFETY: a live link_map (dlinfo on our open handle).
            unsafe {
                let map = &*map.cast::<LinkMap>();
                (map.l_addr, (map.l_ld as u64).wrapping_sub(map.l_addr))
            }
        };
        // SAFETY: the dynamic linker mapped this object and relied on its
        // dynamic section and tables to load it; the image is only read
        // through `&self`, while the handle keeps the object mapped.
        let image = unsafe { MappedImage::new(bias) };
        Ok(Library {
            handle,
            map,
            image,
            ld,
        })
    }

    /// `segments` (the readable loadable segments from the program headers
    /// of the file that was opened), when they describe the object that was
    /// loaded: its dynamic section lies inside them. Reads that follow the
    /// object's lazily bound symbol indices stay inside them, where the
    /// dynamic linker, which does not follow those before the first call,
    /// would not have noticed an index that points elsewhere. `NONE` (read
    /// nothing) when they do not describe it (the file changed since).
    pub(crate) fn checked_segments(&self, segments: Segments) -> Segments {
        if !self.map.is_null() && segments.holds_address(self.ld) {
            segments
        } else {
            Segments::NONE
        }
    }

    /// The raw handle, as stored in `plugin_desc_t.dlhandle`.
    pub fn as_ptr(&self) -> *mut c_void {
        self.handle.as_ptr()
    }

    /// Gives up ownership of the handle without closing it.
    pub(crate) fn into_raw(self) -> *mut c_void {
        let handle = self.handle.as_ptr();
        std::mem::forget(self);
        handle
    }

    /// Takes ownership of a handle [`Library::into_raw`] gave up.
    ///
    /// # Safety
    /// `handle` came from `into_raw` and is owned by no other value.
    pub(crate) unsafe fn from_raw(handle: *mut c_void) -> Library {
        Library {
            // SAFETY: into_raw gave a non-NULL dlopen handle.
            handle: unsafe { NonNull::new_unchecked(handle) },
            // A value made to be closed reads no table.
            map: std::ptr::null(),
            // SAFETY: never read (`map` is NULL).
            image: unsafe { MappedImage::new(0) },
            ld: 0,
        }
    }

    /// Looks `name` up in the object and its dependencies.
    pub fn symbol(&self, name: &CStr) -> Option<NonNull<c_void>> {
        // SAFETY: the handle is live (we own it) and name is NUL-terminated.
        NonNull::new(unsafe { libc::dlsym(self.handle.as_ptr(), name.as_ptr()) })
    }

    /// The symbol `name` as the object itself defines it (not one of its
    /// dependencies), with its address. A legacy plugin that lacks
    /// `cr_plugin_init` but links against this library must not have the
    /// loader's own `cr_plugin_init` mistaken for its init function.
    pub fn own_symbol_entry(&self, name: &CStr) -> Option<(Symbol, NonNull<c_void>)> {
        self.own_entry_in(&self.dynamic()?, name)
    }

    /// [`Library::own_symbol_entry`] in the object's tables `dynamic`
    /// (from [`Library::dynamic`]).
    fn own_entry_in(
        &self,
        dynamic: &Dynamic<'_, MappedImage>,
        name: &CStr,
    ) -> Option<(Symbol, NonNull<c_void>)> {
        let sym = dynamic.lookup(name)?;
        if !sym.is_defined() {
            return None;
        }
        let bias = self.image.bias();
        let addr = NonNull::new(bias.wrapping_add(sym.value) as *mut c_void)?;
        Some((sym, addr))
    }

    /// The symbol `name` as `dlsym` on the handle finds it (in the object
    /// first, then in its dependencies), with its symbol table entry. The
    /// object's own table (`dynamic`, from [`Library::dynamic`]) is read
    /// first, so a symbol it defines is judged before `dlsym` could run an
    /// indirect function's resolver.
    pub(crate) fn symbol_entry(
        &self,
        dynamic: Option<&Dynamic<'_, MappedImage>>,
        name: &CStr,
    ) -> Option<(Symbol, NonNull<c_void>)> {
        if let Some(own) = dynamic.and_then(|d| self.own_entry_in(d, name)) {
            return Some(own);
        }
        let addr = self.symbol(name)?;
        let (bias, dyn_vaddr) = object_containing(addr.as_ptr())?;
        // SAFETY: the object holding addr is a dependency of ours, loaded
        // while we are.
        let (image, ld) = unsafe { tables_at(bias, dyn_vaddr) };
        let sym = Dynamic::read(&image, ld, None)?.lookup(name)?;
        (sym.is_defined() && sym.value.wrapping_add(bias) == addr.as_ptr() as u64)
            .then_some((sym, addr))
    }

    /// [`Library::own_symbol_entry`]'s address.
    pub fn own_symbol(&self, name: &CStr) -> Option<NonNull<c_void>> {
        self.own_symbol_entry(name).map(|(_, addr)| addr)
    }

    /// The object's own dynamic tables, read from its mapped dynamic
    /// section (no I/O), once for as many lookups as the caller makes.
    pub(crate) fn dynamic(&self) -> Option<Dynamic<'_, MappedImage>> {
        if self.map.is_null() {
            return None;
        }
        Dynamic::read(&self.image, self.ld, None)
    }

    /// Calls `f` with each undefined, non-weak symbol the object binds
    /// lazily (its PLT relocations): with `RTLD_LAZY` these are the only
    /// ones `dlopen` did not already resolve, and a missing one would fail
    /// only when first called. Read from the object's mapped tables: no I/O.
    pub fn for_each_lazy_import(&self, mut f: impl FnMut(&CStr)) {
        if let Some(d) = self.dynamic() {
            d.lazy_imports(None).for_each(&mut f);
        }
    }
}

impl Drop for Library {
    fn drop(&mut self) {
        // SAFETY: the handle came from dlopen and is closed exactly once, here.
        // A failing dlclose leaves the object mapped, which is harmless.
        unsafe {
            libc::dlclose(self.handle.as_ptr());
        }
    }
}

/// The `struct link_map *` of a live `dlopen` handle (NULL if `dlinfo`
/// fails).
fn link_map_of(handle: *mut c_void) -> *const c_void {
    let mut map: *mut c_void = std::ptr::null_mut();
    // SAFETY: RTLD_DI_LINKMAP stores one pointer into `map`; callers pass
    // live handles.
    let rc = unsafe { libc::dlinfo(handle, libc::RTLD_DI_LINKMAP, (&raw mut map).cast()) };
    if rc == 0 {
        map.cast_const()
    } else {
        std::ptr::null()
    }
}

/// The path the object of the live handle `handle` was opened by: the
/// dynamic linker's own copy (`l_name`), valid until it is closed.
///
/// # Safety
/// `handle` is a live `dlopen` handle, and stays open for `'a`.
pub(crate) unsafe fn object_path<'a>(handle: *mut c_void) -> Option<&'a CStr> {
    let map = link_map_of(handle).cast::<LinkMap>();
    if map.is_null() {
        return None;
    }
    // SAFETY: a live link_map's l_name is NULL or a C string owned by the
    // dynamic linker until the object is closed (the caller's contract).
    unsafe {
        let name = (*map).l_name;
        (!name.is_null()).then(|| CStr::from_ptr(name))
    }
}

/// Calls `f` with the load bias and program headers of each loaded object,
/// in the dynamic linker's order (the executable first), until it returns
/// `Some`: what it returned.
fn find_object<T>(mut f: impl FnMut(u64, &[libc::Elf64_Phdr]) -> Option<T>) -> Option<T> {
    struct Search<'f, T> {
        f: &'f mut dyn FnMut(u64, &[libc::Elf64_Phdr]) -> Option<T>,
        found: Option<T>,
    }
    unsafe extern "C" fn visit<T>(
        info: *mut libc::dl_phdr_info,
        _: usize,
        data: *mut c_void,
    ) -> c_int {
        // SAFETY: dl_iterate_phdr passes a valid info for a live object and
        // our own `data`; the program headers it points to are mapped.
        unsafe {
            let search = &mut *data.cast::<Search<'_, T>>();
            let info = &*info;
            let phdrs = std::slice::from_raw_parts(info.dlpi_phdr, usize::from(info.dlpi_phnum));
            search.found = (search.f)(info.dlpi_addr, phdrs);
            c_int::from(search.found.is_some())
        }
    }
    let mut search = Search {
        f: &mut f,
        found: None,
    };
    // SAFETY: the callback matches dl_iterate_phdr's contract and only
    // touches `search`, which outlives the call.
    unsafe { libc::dl_iterate_phdr(Some(visit::<T>), (&raw mut search).cast()) };
    search.found
}

/// The load bias and the dynamic section's address of an object, from its
/// program headers.
fn dynamic_of(bias: u64, phdrs: &[libc::Elf64_Phdr]) -> Option<(u64, u64)> {
    let dynamic = phdrs.iter().find(|ph| ph.p_type == libc::PT_DYNAMIC)?;
    Some((bias, dynamic.p_vaddr))
}

/// The load bias and the dynamic section's address (in the object's own
/// address space) of the loaded object whose segments hold `addr`. Found
/// with `dl_iterate_phdr` from the program headers alone: unlike `dladdr`,
/// it never scans a symbol table for the nearest name (the executable of a
/// CRIU linked `-rdynamic` exports thousands).
fn object_containing(addr: *const c_void) -> Option<(u64, u64)> {
    let addr = addr as u64;
    find_object(|bias, phdrs| {
        let inside = phdrs.iter().any(|ph| {
            let start = bias.wrapping_add(ph.p_vaddr);
            ph.p_type == libc::PT_LOAD && addr >= start && addr - start < ph.p_memsz
        });
        // An object without a dynamic section ends the search too.
        inside.then(|| dynamic_of(bias, phdrs))
    })
    .flatten()
}

/// The tables of the loaded object with load bias `bias` whose dynamic
/// section is at `dyn_vaddr`.
///
/// # Safety
/// Both come from [`object_containing`] for an object that stays loaded
/// while the result is used.
unsafe fn tables_at(bias: u64, dyn_vaddr: u64) -> (MappedImage, u64) {
    // SAFETY: caller's contract: a live object mapped by the dynamic linker.
    (unsafe { MappedImage::new(bias) }, dyn_vaddr)
}

/// The size in bytes of the data symbol `name` at address `addr`, as the
/// dynamic symbol table of the object holding that address says: for a
/// symbol a non-PIE executable copied (a copy relocation) this is the
/// executable's size. The symbol is looked up by name, so markers that
/// share its address (`__bss_start`, `_edata`) cannot answer for it.
/// `addr` is only compared, never dereferenced.
pub(crate) fn symbol_size(addr: usize, name: &CStr) -> Option<usize> {
    let (bias, dyn_vaddr) = object_containing(addr as *const c_void)?;
    // SAFETY: the object holds live data (the address), so it stays loaded.
    let (image, ld) = unsafe { tables_at(bias, dyn_vaddr) };
    let dynamic = Dynamic::read(&image, ld, None)?;
    let sym = dynamic.lookup(name)?;
    (sym.is_defined() && sym.value.wrapping_add(bias) == addr as u64).then_some(sym.size as usize)
}

/// The GNU hash tables of the executable and of the C library, read once:
/// two objects in the global scope of every dynamically linked program
/// (so every plugin's lookups reach them), where nearly every import of a
/// plugin is defined, and which stay loaded for the life of the process;
/// and this library's own, when the global scope holds it (CRIU's
/// `criu_get_image_dir` is here when CRIU links the library).
static START_UP_TABLES: OnceLock<[Option<GnuLookup<MappedImage>>; 3]> = OnceLock::new();

/// Whether the executable, the C library or this library defines `name` as a lazily
/// bound reference without a version would bind to it: when this says
/// yes, the dynamic linker will find the symbol; when it says no, only a
/// `dlsym` can tell. A few dozen instructions, no lock once the tables are
/// read.
pub(crate) fn defined_at_start_up(name: &CStr) -> bool {
    let tables = START_UP_TABLES.get_or_init(start_up_tables);
    let name = name.to_bytes();
    let hash = gnu_hash(name);
    tables.iter().flatten().any(|t| t.defines(name, hash))
}

fn start_up_tables() -> [Option<GnuLookup<MappedImage>>; 3] {
    // A C library function nothing interposes (sanitizers interpose
    // dl_iterate_phdr and the allocator), so the object holding its
    // address is the C library.
    #[cfg(target_env = "gnu")]
    let in_c_library = libc::gnu_get_libc_version as *const c_void;
    #[cfg(not(target_env = "gnu"))]
    let in_c_library = libc::dl_iterate_phdr as *const c_void;
    // The C library first: it defines most of what plugins import.
    let c_library = object_containing(in_c_library);
    let program = first_object();
    // This library, when its exports are in the global scope (the object
    // dlsym finds one of them in is this one) and it is not the executable
    // itself (linked statically).
    let this_library = object_containing(start_up_tables as *const c_void);
    let exported = global_symbol(c"criu_get_image_dir")
        .and_then(|f| object_containing(f.as_ptr()))
        .is_some_and(|found| Some(found) == this_library);
    let this_library = this_library.filter(|_| exported && this_library != program);
    [c_library, program, this_library].map(|object| {
        let (bias, dyn_vaddr) = object?;
        // SAFETY: the executable and the C library were loaded at start-up
        // (the C library is needed by the executable and by this library),
        // so neither is ever unloaded; this library's table is read only by
        // this library's code, so it is mapped whenever it is read.
        let (image, ld) = unsafe { tables_at(bias, dyn_vaddr) };
        Dynamic::read(&image, ld, None)?.gnu_lookup_in(image)
    })
}

/// The load bias and dynamic section address of the first object
/// `dl_iterate_phdr` reports: the executable.
fn first_object() -> Option<(u64, u64)> {
    find_object(|bias, phdrs| Some(dynamic_of(bias, phdrs))).flatten()
}

/// Looks `name` up in the global scope (the executable and what it loaded
/// at start-up, this library included): how the loader finds CRIU's own
/// functions and data.
pub fn global_symbol(name: &CStr) -> Option<NonNull<c_void>> {
    // SAFETY: RTLD_DEFAULT is a valid pseudo-handle; name is NUL-terminated.
    NonNull::new(unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick lookup in the executable and the C library finds the C
    /// library's functions and what the executable exports, and nothing
    /// that does not exist.
    #[test]
    fn start_up_tables_answer_for_the_c_library() {
        for name in [
            c"malloc",
            c"memcpy",
            c"dlopen",
            c"strlen",
            c"gnu_get_libc_version",
        ] {
            assert!(defined_at_start_up(name), "{name:?}");
        }
        for name in [c"no_such_function_anywhere", c"mallo", c""] {
            assert!(!defined_at_start_up(name), "{name:?}");
        }
    }
}

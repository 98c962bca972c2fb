//! A thin, owned wrapper over `dlopen`/`dlsym`/`dlclose`/`dlerror`.
//!
//! All dynamic-linker calls of the crate go through here, so the unsafe code
//! that touches handles sits in one place.

use std::ffi::{CStr, c_char, c_int, c_void};
use std::mem::size_of;
use std::ptr::NonNull;

/// `dladdr1` flag: return the symbol table entry (`<dlfcn.h>`'s `RTLD_DL_SYMENT`).
const RTLD_DL_SYMENT: c_int = 1;
/// `dladdr1` flag: return the `struct link_map *` (`RTLD_DL_LINKMAP`).
const RTLD_DL_LINKMAP: c_int = 2;

/// The public prefix of glibc's `struct link_map` (`<link.h>`).
#[repr(C)]
struct LinkMap {
    l_addr: u64,
    l_name: *const c_char,
    l_ld: *const Elf64Dyn,
}

/// `Elf64_Dyn`.
#[repr(C)]
struct Elf64Dyn {
    d_tag: i64,
    d_val: u64,
}

const DT_NULL: i64 = 0;
const DT_PLTRELSZ: i64 = 2;
const DT_STRTAB: i64 = 5;
const DT_SYMTAB: i64 = 6;
const DT_RELA: i64 = 7;
const DT_PLTREL: i64 = 20;
const DT_JMPREL: i64 = 23;
const STB_WEAK: u8 = 2;

/// The last `dlerror()` text, or a placeholder when there is none.
fn last_error() -> String {
    // SAFETY: dlerror returns NULL or a NUL-terminated string owned by libc,
    // valid until the next dl* call on this thread; we copy it at once.
    unsafe {
        let msg = libc::dlerror();
        if msg.is_null() {
            "unknown dynamic linker error".to_owned()
        } else {
            CStr::from_ptr(msg).to_string_lossy().into_owned()
        }
    }
}

/// A shared object opened with `dlopen`, closed when dropped.
#[derive(Debug)]
pub struct Library {
    handle: NonNull<c_void>,
}

impl Library {
    /// Opens `path` with `flags` (`RTLD_LAZY`, ...). The error is `dlerror()`'s text.
    pub fn open(path: &CStr, flags: c_int) -> Result<Library, String> {
        // SAFETY: path is NUL-terminated. dlopen runs the object's
        // constructors; running plugin code is the purpose of the loader.
        let handle = unsafe { libc::dlopen(path.as_ptr(), flags) };
        NonNull::new(handle)
            .map(|handle| Library { handle })
            .ok_or_else(last_error)
    }

    /// The raw handle, as stored in `plugin_desc_t.dlhandle`.
    pub fn as_ptr(&self) -> *mut c_void {
        self.handle.as_ptr()
    }

    /// Looks `name` up in the object and its dependencies.
    pub fn symbol(&self, name: &CStr) -> Option<NonNull<c_void>> {
        // SAFETY: the handle is live (we own it) and name is NUL-terminated.
        NonNull::new(unsafe { libc::dlsym(self.handle.as_ptr(), name.as_ptr()) })
    }

    /// Looks `name` up, keeping it only if the object itself defines it, not
    /// one of its dependencies. A legacy plugin that lacks `cr_plugin_init`
    /// but links against this library must not have the loader's own
    /// `cr_plugin_init` mistaken for its init function.
    pub fn own_symbol(&self, name: &CStr) -> Option<NonNull<c_void>> {
        let sym = self.symbol(name)?;
        (defining_object(sym.as_ptr()) == Some(self.link_map())).then_some(sym)
    }

    /// The undefined, non-weak symbols the object binds lazily (its PLT
    /// relocations): with `RTLD_LAZY` these are the only ones `dlopen` did
    /// not already resolve, and a missing one would fail only when first
    /// called. Read from the object's mapped dynamic section: no I/O.
    pub fn lazy_imports(&self) -> Vec<&CStr> {
        let map = self.link_map().cast::<LinkMap>();
        if map.is_null() {
            return Vec::new();
        }
        // SAFETY: `map` is the object's live link_map (<link.h>'s public
        // prefix). Its dynamic section, symbol and string tables and PLT
        // relocations are mapped read-only for as long as the handle is open
        // (the returned names borrow `self`). Sizes come from the dynamic
        // section; every symbol index is checked against the relocation it
        // came from only, as the dynamic linker itself trusts them.
        unsafe {
            let base = (*map).l_addr;
            let (mut symtab, mut strtab, mut jmprel, mut pltrelsz, mut pltrel) =
                (0, 0, 0, 0, DT_RELA);
            let mut dyn_ = (*map).l_ld;
            while (*dyn_).d_tag != DT_NULL {
                let v = (*dyn_).d_val;
                match (*dyn_).d_tag {
                    DT_SYMTAB => symtab = v,
                    DT_STRTAB => strtab = v,
                    DT_JMPREL => jmprel = v,
                    DT_PLTRELSZ => pltrelsz = v,
                    DT_PLTREL => pltrel = v as i64,
                    _ => {}
                }
                dyn_ = dyn_.add(1);
            }
            // glibc stores these already relocated; other loaders may not.
            let abs = |a: u64| if a != 0 && a < base { a + base } else { a };
            let (symtab, strtab, jmprel) = (abs(symtab), abs(strtab), abs(jmprel));
            if symtab == 0 || strtab == 0 || jmprel == 0 || pltrel != DT_RELA {
                return Vec::new();
            }
            let relocs = std::slice::from_raw_parts(
                jmprel as *const libc::Elf64_Rela,
                pltrelsz as usize / size_of::<libc::Elf64_Rela>(),
            );
            let mut names = Vec::new();
            for rela in relocs {
                let sym = &*(symtab as *const libc::Elf64_Sym).add((rela.r_info >> 32) as usize);
                if sym.st_shndx == 0 && sym.st_info >> 4 != STB_WEAK && sym.st_name != 0 {
                    names.push(CStr::from_ptr(
                        (strtab + u64::from(sym.st_name)) as *const c_char,
                    ));
                }
            }
            names
        }
    }

    /// The object's `struct link_map *`, used as its identity.
    fn link_map(&self) -> *mut c_void {
        let mut map: *mut c_void = std::ptr::null_mut();
        // SAFETY: RTLD_DI_LINKMAP stores one pointer into `map`; the handle is live.
        let rc = unsafe {
            libc::dlinfo(
                self.handle.as_ptr(),
                libc::RTLD_DI_LINKMAP,
                (&raw mut map).cast(),
            )
        };
        if rc == 0 { map } else { std::ptr::null_mut() }
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

/// The `struct link_map *` of the object that contains `addr`.
fn defining_object(addr: *const c_void) -> Option<*mut c_void> {
    // SAFETY: Dl_info is plain data; dladdr1 only writes it and the pointer.
    unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        let mut map: *mut c_void = std::ptr::null_mut();
        (libc::dladdr1(addr, &mut info, &raw mut map, RTLD_DL_LINKMAP) != 0).then_some(map)
    }
}

/// The size in bytes that the dynamic symbol table gives for the symbol at
/// address `addr`, as the process actually uses it. For a data symbol that a
/// non-PIE executable copied (a copy relocation) this is the executable's
/// size. `addr` is only compared, never dereferenced.
pub fn symbol_size(addr: usize) -> Option<usize> {
    let addr = addr as *const c_void;
    // SAFETY: as in defining_object; on success `sym` points into the loaded
    // object's read-only dynamic symbol table, which outlives this call.
    unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        let mut sym: *mut c_void = std::ptr::null_mut();
        if libc::dladdr1(addr, &mut info, &raw mut sym, RTLD_DL_SYMENT) == 0 || sym.is_null() {
            return None;
        }
        // dladdr1 may report the nearest symbol below addr; only trust an
        // exact match.
        if !std::ptr::eq(info.dli_saddr, addr) {
            return None;
        }
        Some((*sym.cast::<libc::Elf64_Sym>()).st_size as usize)
    }
}

/// Looks `name` up in the global scope (the executable and what it loaded
/// at start-up, this library included): how the loader finds CRIU's own
/// functions and data.
pub fn global_symbol(name: &CStr) -> Option<NonNull<c_void>> {
    // SAFETY: RTLD_DEFAULT is a valid pseudo-handle; name is NUL-terminated.
    NonNull::new(unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) })
}

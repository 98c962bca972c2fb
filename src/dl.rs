//! A thin, owned wrapper over `dlopen`/`dlsym`/`dlclose`/`dlerror`.
//!
//! All dynamic-linker calls of the crate go through here, so the unsafe code
//! that touches handles sits in one place.

use std::ffi::{CStr, c_char, c_int, c_void};
use std::mem::size_of;
use std::ptr::NonNull;

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

const DT_HASH: i64 = 4;
const DT_GNU_HASH: i64 = 0x6fff_fef5;

/// What a loaded object's dynamic section says of its symbol tables.
struct Dynamic {
    symtab: u64,
    strtab: u64,
    hash: u64,
    gnu_hash: u64,
    jmprel: u64,
    pltrelsz: u64,
    pltrel: i64,
}

impl Dynamic {
    /// Reads the dynamic section of the object `map`.
    ///
    /// # Safety
    /// `map` is NULL or a live `struct link_map`.
    unsafe fn read(map: *const LinkMap) -> Option<Dynamic> {
        if map.is_null() {
            return None;
        }
        let mut d = Dynamic {
            symtab: 0,
            strtab: 0,
            hash: 0,
            gnu_hash: 0,
            jmprel: 0,
            pltrelsz: 0,
            pltrel: DT_RELA,
        };
        // SAFETY: a live object's dynamic section is mapped and ends with DT_NULL.
        unsafe {
            let base = (*map).l_addr;
            // glibc stores the addresses already relocated; other loaders may not.
            let abs = |a: u64| if a != 0 && a < base { a + base } else { a };
            let mut entry = (*map).l_ld;
            while (*entry).d_tag != DT_NULL {
                let v = (*entry).d_val;
                match (*entry).d_tag {
                    DT_SYMTAB => d.symtab = abs(v),
                    DT_STRTAB => d.strtab = abs(v),
                    DT_HASH => d.hash = abs(v),
                    DT_GNU_HASH => d.gnu_hash = abs(v),
                    DT_JMPREL => d.jmprel = abs(v),
                    DT_PLTRELSZ => d.pltrelsz = v,
                    DT_PLTREL => d.pltrel = v as i64,
                    _ => {}
                }
                entry = entry.add(1);
            }
        }
        (d.symtab != 0 && d.strtab != 0).then_some(d)
    }

    /// Symbol number `index`.
    ///
    /// # Safety
    /// `index` is a valid index of the mapped symbol table.
    unsafe fn symbol(&self, index: usize) -> &libc::Elf64_Sym {
        // SAFETY: caller's contract.
        unsafe { &*(self.symtab as *const libc::Elf64_Sym).add(index) }
    }

    /// Where a symbol's name is, in the mapped string table.
    fn name_ptr(&self, sym: &libc::Elf64_Sym) -> *const c_char {
        (self.strtab + u64::from(sym.st_name)) as *const c_char
    }

    /// A symbol's name.
    ///
    /// # Safety
    /// `sym` is from this table.
    unsafe fn name(&self, sym: &libc::Elf64_Sym) -> &CStr {
        // SAFETY: st_name is an offset into the mapped string table.
        unsafe { CStr::from_ptr(self.name_ptr(sym)) }
    }

    /// Looks `name` up through the object's hash table (GNU or SysV), as
    /// the dynamic linker does.
    ///
    /// # Safety
    /// The tables are those of a live object.
    unsafe fn lookup(&self, name: &CStr) -> Option<&libc::Elf64_Sym> {
        let bytes = name.to_bytes();
        // SAFETY: the hash tables' layouts are the ELF gABI's and GNU's; all
        // indices come from the tables themselves.
        unsafe {
            if self.gnu_hash != 0 {
                let table = self.gnu_hash as *const u32;
                let (nbuckets, symoffset, bloom_words) = (*table, *table.add(1), *table.add(2));
                let buckets = table.add(4 + 2 * bloom_words as usize);
                let chain = buckets.add(nbuckets as usize);
                let hash = bytes.iter().fold(5381u32, |h, &b| {
                    h.wrapping_mul(33).wrapping_add(u32::from(b))
                });
                let mut index = *buckets.add((hash % nbuckets) as usize);
                if nbuckets == 0 || index < symoffset {
                    return None;
                }
                loop {
                    let chained = *chain.add((index - symoffset) as usize);
                    let sym = self.symbol(index as usize);
                    if chained | 1 == hash | 1 && self.name(sym) == name {
                        return Some(sym);
                    }
                    if chained & 1 != 0 {
                        return None;
                    }
                    index += 1;
                }
            }
            if self.hash != 0 {
                let table = self.hash as *const u32;
                let nbucket = *table;
                let buckets = table.add(2);
                let chain = buckets.add(nbucket as usize);
                let hash = bytes.iter().fold(0u32, |h, &b| {
                    let h = (h << 4).wrapping_add(u32::from(b));
                    (h ^ ((h & 0xf000_0000) >> 24)) & 0x0fff_ffff
                });
                let mut index = if nbucket == 0 {
                    0
                } else {
                    *buckets.add((hash % nbucket) as usize)
                };
                while index != 0 {
                    let sym = self.symbol(index as usize);
                    if self.name(sym) == name {
                        return Some(sym);
                    }
                    index = *chain.add(index as usize);
                }
            }
            None
        }
    }
}

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
        // SAFETY: the link_map is the live object's; its tables stay mapped
        // while the handle is open, and the returned names borrow `self`.
        let Some(dynamic) = (unsafe { Dynamic::read(self.link_map().cast()) }) else {
            return Vec::new();
        };
        if dynamic.jmprel == 0 || dynamic.pltrel != DT_RELA {
            return Vec::new();
        }
        // SAFETY: DT_JMPREL/DT_PLTRELSZ describe the mapped PLT relocations;
        // each names a symbol of the mapped symbol table, as the dynamic
        // linker itself trusts.
        unsafe {
            let relocs = std::slice::from_raw_parts(
                dynamic.jmprel as *const libc::Elf64_Rela,
                dynamic.pltrelsz as usize / size_of::<libc::Elf64_Rela>(),
            );
            let mut names = Vec::new();
            for rela in relocs {
                let sym = dynamic.symbol((rela.r_info >> 32) as usize);
                if sym.st_shndx == 0 && sym.st_info >> 4 != STB_WEAK && sym.st_name != 0 {
                    // The string lives in the object's mapping, as long as `self`.
                    names.push(CStr::from_ptr(dynamic.name_ptr(sym)));
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

/// The size in bytes of the data symbol `name` at address `addr`, as the
/// dynamic symbol table of the object holding that address says: for a
/// symbol a non-PIE executable copied (a copy relocation) this is the
/// executable's size. The symbol is looked up by name, so markers that
/// share its address (`__bss_start`, `_edata`) cannot answer for it.
/// `addr` is only compared, never dereferenced.
pub fn symbol_size(addr: usize, name: &CStr) -> Option<usize> {
    let map = defining_object(addr as *const c_void)?;
    // SAFETY: dladdr1 gave the live link_map of the object holding addr; its
    // tables stay mapped for the process's life (it holds our own data).
    unsafe {
        let dynamic = Dynamic::read(map.cast())?;
        let sym = dynamic.lookup(name)?;
        let bias = (*map.cast::<LinkMap>()).l_addr;
        (sym.st_shndx != 0 && sym.st_value.wrapping_add(bias) == addr as u64)
            .then_some(sym.st_size as usize)
    }
}

/// Looks `name` up in the global scope (the executable and what it loaded
/// at start-up, this library included): how the loader finds CRIU's own
/// functions and data.
pub fn global_symbol(name: &CStr) -> Option<NonNull<c_void>> {
    // SAFETY: RTLD_DEFAULT is a valid pseudo-handle; name is NUL-terminated.
    NonNull::new(unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) })
}

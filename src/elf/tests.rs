//! The ELF reader against real objects and mutated ones.

use super::*;
use crate::fuzz::{XorShift, exercise, mutate};

fn libc_path() -> &'static str {
    // The C library of the machine running the tests: a real shared object.
    [
        "/lib/x86_64-linux-gnu/libc.so.6",
        "/lib/aarch64-linux-gnu/libc.so.6",
        "/usr/lib64/libc.so.6",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).exists())
    .expect("the machine's C library")
}

#[test]
fn rejects_what_is_not_elf() {
    assert_eq!(
        ElfFile::parse(b"hello world".to_vec(), 11).unwrap_err(),
        ElfError::NotElf
    );
    for short in [&b"\x7fELF"[..], b"\x7fELF\x02", b"\x7fELF\x02\x01\x01"] {
        assert!(matches!(
            ElfFile::parse(short.to_vec(), short.len() as u64),
            Err(ElfError::Malformed(_))
        ));
    }
}

#[test]
fn reads_the_c_library() {
    let elf = ElfFile::open(std::path::Path::new(libc_path()), 64 << 20).unwrap();
    elf.complete().unwrap();
    let dynamic = elf.dynamic().expect("libc has a dynamic section");
    let malloc = dynamic.lookup(c"malloc").expect("libc defines malloc");
    assert!(malloc.is_defined());
    assert_eq!(malloc.kind(), STT_FUNC);
    assert!(dynamic.lookup(c"CR_PLUGIN_DESC").is_none());
    let names: Vec<_> = dynamic.symbols().map(|(_, n)| n.to_owned()).collect();
    assert!(names.iter().any(|n| n.as_c_str() == c"free"));
    assert!(names.len() > 1000);
}

/// Mutations of a real shared object never make a reader panic or
/// loop: bounded, deterministic, on stable Rust (`make fuzz` runs the
/// same for as long as asked).
#[test]
fn mutated_objects_never_panic() {
    let base = std::fs::read(libc_path()).unwrap();
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    assert!(exercise(&base) > 1000);
    for _ in 0..1000 {
        let bytes = mutate(&base, &mut rng);
        exercise(&bytes);
    }
    for cut in [0, 1, 4, 5, 63, 64, 65, 200, 4000] {
        exercise(&base[..cut]);
    }
}

/// The bloom-filtered lookup says yes for exactly the names the symbol
/// table holds in a bindable form, and no for names it lacks.
#[test]
fn quick_lookup_agrees_with_the_table() {
    let elf = ElfFile::open(std::path::Path::new(libc_path()), 64 << 20).unwrap();
    let d = elf.dynamic().unwrap();
    let g = d.gnu_lookup().expect("libc has a GNU hash table");
    let mut expected = std::collections::HashMap::<Vec<u8>, bool>::new();
    for i in 1..d.symbol_count().unwrap() {
        let sym = d.symbol(i).unwrap();
        let Some(name) = d.name(&sym) else { continue };
        let version = (d.versym != 0)
            .then(|| elf.u32_at(d.versym + u64::from(i) * 2).map(|v| v as u16))
            .flatten();
        let bindable = sym.is_defined()
            && matches!(sym.info >> 4, STB_GLOBAL | STB_WEAK | STB_GNU_UNIQUE)
            && matches!(
                sym.kind(),
                0 | STT_OBJECT | STT_FUNC | STT_COMMON | STT_TLS | STT_GNU_IFUNC
            )
            && (sym.value != 0 || sym.kind() == STT_TLS || sym.shndx == SHN_ABS)
            && version.is_none_or(|v| v != 0 && v & VERSYM_HIDDEN == 0);
        *expected.entry(name.to_bytes().to_vec()).or_default() |= bindable;
    }
    assert!(expected.len() > 1000);
    assert!(expected[&b"malloc"[..]] && expected[&b"memcpy"[..]]);
    for (name, bindable) in &expected {
        assert_eq!(
            g.defines(name, gnu_hash(name)),
            *bindable,
            "{}",
            String::from_utf8_lossy(name)
        );
    }
    for absent in [&b"no_such_function_anywhere"[..], b"mallo", b"mallocx", b""] {
        assert!(!expected.contains_key(absent));
        assert!(!g.defines(absent, gnu_hash(absent)));
    }
}

/// The readable segments come from the program headers: every PT_LOAD
/// with PF_R, and reads are bounded by them.
#[test]
fn readable_segments_of_the_c_library() {
    let bytes = std::fs::read(libc_path()).unwrap();
    let elf = ElfFile::parse(bytes.clone(), bytes.len() as u64).unwrap();
    let (end, segments) = load_layout(&bytes[..HEADER_READ], bytes.len() as u64).unwrap();
    assert_eq!(end, elf.loadable_end());
    assert!(segments.count >= 2);
    let d = elf.dynamic().unwrap();
    assert!(segments.holds_address(d.symtab) && segments.holds_address(d.strtab));
    let (lo, hi) = segments.ranges[usize::from(segments.count) - 1];
    assert!(segments.holds(u64::from(lo), u64::from(hi - lo)));
    assert!(!segments.holds(u64::from(hi), 1));
    assert!(!segments.holds(u64::from(hi) - 1, 2));
    assert!(!segments.holds(u64::MAX, 2));
    // Every import libc binds lazily is inside, so none is left out.
    assert_eq!(
        d.lazy_imports(Some(&segments)).count(),
        d.lazy_imports(None).count()
    );
    assert_eq!(d.lazy_imports(Some(&Segments::NONE)).count(), 0);
}

#[test]
fn a_cut_file_is_truncated() {
    let bytes = std::fs::read(libc_path()).unwrap();
    let cut = ElfFile::parse(bytes[..4000].to_vec(), 4000).unwrap();
    match cut.complete() {
        Err(ElfError::Truncated { need, have }) => {
            assert_eq!(have, 4000);
            assert!(need > 4000);
        }
        other => panic!("expected truncated, got {other:?}"),
    }
}

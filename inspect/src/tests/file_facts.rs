//! What is read from a file without loading it (facts.rs): its kind,
//! hostile files, the loader's truncation check.

use super::*;

#[test]
fn file_kinds_in_the_loaders_words() {
    let kind = |p: &str| {
        let facts = FileFacts::read(Path::new(p));
        assert!(matches!(facts.unloadable, Some(Unloadable::NotRegular(_))));
        facts.elf_error.unwrap()
    };
    assert_eq!(kind("/"), "it is a directory, not a regular file");
    assert_eq!(
        kind("/dev/null"),
        "it is a character device, not a regular file"
    );
}

#[test]
fn reads_facts_of_hostile_files_without_reading_them_whole() {
    let dir = std::env::temp_dir().join(format!("inspect-facts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let put = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    for short in [&b"\x7fELF"[..], b"\x7fELF\x02"] {
        let f = FileFacts::read(&put("short.so", short));
        assert_eq!(
            f.elf_error.as_deref(),
            Some("malformed ELF file: the ELF header is cut short")
        );
        assert_eq!(f.unloadable, None);
    }
    // A sparse file far beyond READ_LIMIT: only its first bytes are read.
    let big = put("big.so", b"");
    std::fs::File::options()
        .write(true)
        .open(&big)
        .unwrap()
        .set_len(4 << 30)
        .unwrap();
    assert_eq!(
        FileFacts::read(&big).elf_error.as_deref(),
        Some("not an ELF file")
    );
    // A FIFO is refused without waiting for a writer.
    let fifo = dir.join("fifo.so");
    let c = CString::new(fifo.as_os_str().as_bytes()).unwrap();
    // SAFETY: mkfifo reads the NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    assert_eq!(
        FileFacts::read(&fifo).unloadable,
        Some(Unloadable::NotRegular("a FIFO"))
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn loader_truncation_check_ignores_the_file_type() {
    // An ELF header of type ET_EXEC whose one PT_LOAD maps 8192 bytes of a
    // 4096-byte file: truncated, as the loader says, whatever its type.
    let mut head = vec![0u8; 4096];
    head[..4].copy_from_slice(b"\x7fELF");
    head[4] = 2;
    head[5] = 1;
    head[0x10] = 2;
    head[0x20..0x28].copy_from_slice(&64u64.to_le_bytes());
    head[0x36..0x38].copy_from_slice(&56u16.to_le_bytes());
    head[0x38..0x3a].copy_from_slice(&1u16.to_le_bytes());
    head[64..68].copy_from_slice(&1u32.to_le_bytes());
    head[64 + 32..64 + 40].copy_from_slice(&8192u64.to_le_bytes());
    head[64 + 40..64 + 48].copy_from_slice(&8192u64.to_le_bytes());
    let dir = std::env::temp_dir().join(format!("inspect-exec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("exec.so");
    std::fs::write(&p, &head).unwrap();
    let f = FileFacts::read(&p);
    assert_eq!(
        f.unloadable,
        Some(Unloadable::Truncated(
            "it is truncated: its loadable segments need 8192 bytes, the file has 4096".into()
        ))
    );
    // Whole, it is the reader's own verdict (dlopen judges it).
    head.resize(8192, 0);
    std::fs::write(&p, &head).unwrap();
    let f = FileFacts::read(&p);
    assert_eq!(f.unloadable, None);
    assert_eq!(
        f.elf_error.as_deref(),
        Some("not a supported ELF file: not a shared object (ET_DYN)")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

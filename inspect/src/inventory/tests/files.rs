//! Reading files: regular files and links to them are read; directories,
//! devices, sockets, FIFOs and files over the limit are refused.

use super::*;
use crate::inventory::file::{open_nonblocking, read_opened};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

static DIR_COUNTER: AtomicUsize = AtomicUsize::new(0);

struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let n = DIR_COUNTER.fetch_add(1, Ordering::SeqCst);
        let path = std::env::temp_dir().join(format!("inventory-test-{}-{n}", std::process::id()));
        fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        fs::write(&path, bytes).expect("write test file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Runs `f` on another thread and fails the test if it takes over 10 s.
fn within_timeout<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("the call did not return within 10 seconds")
}

#[test]
fn reads_a_regular_file() {
    let dir = TempDir::new();
    let path = dir.file("inventory.img", REAL_WITH_PLUGINS);
    let inv = within_timeout(move || read(&path)).expect("readable");
    assert_eq!(inv.plugins.names().map(<[String]>::len), Some(2));
}

#[test]
fn follows_a_symlink_to_a_regular_file() {
    let dir = TempDir::new();
    let target = dir.file("real.img", REAL_NO_PLUGINS);
    let link = dir.0.join("inventory.img");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let inv = within_timeout(move || read(&link)).expect("readable");
    assert_eq!(inv.plugins, Plugins::Recorded(Vec::new()));
}

#[test]
fn missing_file_names_its_path() {
    let dir = TempDir::new();
    let path = dir.0.join("inventory.img");
    let err = read(&path).expect_err("missing");
    assert_eq!(err, InventoryError::NotFound { path: path.clone() });
    assert!(err.to_string().contains(&path.display().to_string()));
}

#[test]
fn empty_file() {
    let dir = TempDir::new();
    let path = dir.file("inventory.img", &[]);
    assert_eq!(read(&path), Err(InventoryError::Empty));
}

#[test]
fn directory_and_devices_are_refused() {
    let dir = TempDir::new();
    let err = read(&dir.0).expect_err("directory");
    assert!(
        matches!(
            err,
            InventoryError::NotRegular {
                kind: "directory",
                ..
            }
        ),
        "{err:?}"
    );
    let err = within_timeout(|| read(Path::new("/dev/null"))).expect_err("device");
    assert!(
        matches!(
            err,
            InventoryError::NotRegular {
                kind: "character device",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn socket_is_refused() {
    let dir = TempDir::new();
    let path = dir.0.join("inventory.img");
    let _listener = std::os::unix::net::UnixListener::bind(&path).expect("bind socket");
    let err = read(&path).expect_err("socket");
    assert!(
        matches!(err, InventoryError::NotRegular { kind: "socket", .. }),
        "{err:?}"
    );
}

fn make_fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo failed");
}

#[test]
fn fifo_is_refused_without_blocking() {
    let dir = TempDir::new();
    let path = dir.0.join("inventory.img");
    make_fifo(&path);
    let err = within_timeout(move || read(&path)).expect_err("fifo");
    assert!(
        matches!(err, InventoryError::NotRegular { kind: "FIFO", .. }),
        "{err:?}"
    );
}

#[test]
fn fifo_swapped_in_after_the_check_does_not_block() {
    let dir = TempDir::new();
    let path = dir.0.join("inventory.img");
    make_fifo(&path);
    // With no writer, a blocking open of a FIFO would wait forever.
    let err = within_timeout(move || {
        let file = open_nonblocking(&path).expect("non-blocking open");
        read_opened(&path, file)
    })
    .expect_err("fifo");
    assert!(
        matches!(err, InventoryError::NotRegular { kind: "FIFO", .. }),
        "{err:?}"
    );
}

#[test]
fn file_over_the_limit_is_refused() {
    let dir = TempDir::new();
    let mut bytes = REAL_WITH_PLUGINS.to_vec();
    bytes.resize(MAX_FILE_SIZE, 0);
    let at_limit = dir.file("at-limit.img", &bytes);
    let inv = read(&at_limit).expect("exactly at the limit");
    assert_eq!(inv.trailing_bytes, MAX_FILE_SIZE - REAL_WITH_PLUGINS.len());

    bytes.push(0);
    let over = dir.file("over.img", &bytes);
    let err = read(&over).expect_err("over the limit");
    assert_eq!(
        err,
        InventoryError::TooLarge {
            path: over.clone(),
            limit: MAX_FILE_SIZE
        }
    );
    assert!(err.to_string().contains("1048576"), "{err}");

    let file = File::open(&over).expect("open");
    let err = read_opened(&over, file).expect_err("limit applies while reading");
    assert!(matches!(err, InventoryError::TooLarge { .. }), "{err:?}");
}

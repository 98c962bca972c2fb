//! Reading `inventory.img` from disk: regular files only, opened
//! non-blocking, at most [`MAX_FILE_SIZE`] bytes.

use super::{Inventory, InventoryError, MAX_FILE_SIZE, MAX_FILE_SIZE_U64, parse};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Reads and decodes the `inventory.img` at `path`.
///
/// Only regular files are read (a FIFO, socket, device or directory is
/// refused, and the file is opened non-blocking so that a path swapped for a
/// FIFO cannot stall the caller), and at most [`MAX_FILE_SIZE`] bytes.
///
/// # Errors
///
/// [`InventoryError::NotFound`], [`InventoryError::Io`],
/// [`InventoryError::NotRegular`] or [`InventoryError::TooLarge`] for the
/// file itself, and any error of [`parse`] for its contents.
pub fn read(path: &Path) -> Result<Inventory, InventoryError> {
    let metadata = fs::metadata(path).map_err(|err| io_error(path, &err))?;
    refuse_non_regular(path, metadata.file_type())?;
    if metadata.len() > MAX_FILE_SIZE_U64 {
        return Err(InventoryError::TooLarge {
            path: path.to_owned(),
            limit: MAX_FILE_SIZE,
        });
    }
    let file = open_nonblocking(path).map_err(|err| io_error(path, &err))?;
    let bytes = read_opened(path, file)?;
    parse(&bytes)
}

pub(super) fn open_nonblocking(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// Checks the opened file again (the path may have changed since it was
/// looked at) and reads at most [`MAX_FILE_SIZE`] bytes of it.
pub(super) fn read_opened(path: &Path, file: File) -> Result<Vec<u8>, InventoryError> {
    let metadata = file.metadata().map_err(|err| io_error(path, &err))?;
    refuse_non_regular(path, metadata.file_type())?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_SIZE_U64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| io_error(path, &err))?;
    if bytes.len() > MAX_FILE_SIZE {
        return Err(InventoryError::TooLarge {
            path: path.to_owned(),
            limit: MAX_FILE_SIZE,
        });
    }
    Ok(bytes)
}

fn refuse_non_regular(path: &Path, file_type: fs::FileType) -> Result<(), InventoryError> {
    if file_type.is_file() {
        return Ok(());
    }
    let kind = if file_type.is_dir() {
        "directory"
    } else if file_type.is_fifo() {
        "FIFO"
    } else if file_type.is_socket() {
        "socket"
    } else if file_type.is_char_device() {
        "character device"
    } else if file_type.is_block_device() {
        "block device"
    } else if file_type.is_symlink() {
        "symbolic link"
    } else {
        "file of unknown type"
    };
    Err(InventoryError::NotRegular {
        path: path.to_owned(),
        kind,
    })
}

fn io_error(path: &Path, err: &io::Error) -> InventoryError {
    if err.kind() == io::ErrorKind::NotFound {
        InventoryError::NotFound {
            path: path.to_owned(),
        }
    } else {
        InventoryError::Io {
            path: path.to_owned(),
            kind: err.kind(),
            message: err.to_string(),
        }
    }
}

//! Tests of the inventory reader: a small protobuf encoder that builds
//! images, and images written by real CRIU, shared by the test files.

use super::*;

mod damaged;
mod files;
mod real_images;
mod well_formed;

// ---- a small protobuf encoder for building images ----

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let low = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

fn put_key(out: &mut Vec<u8>, field: u32, wire: u8) {
    put_varint(out, (u64::from(field) << 3) | u64::from(wire));
}

fn put_uint(out: &mut Vec<u8>, field: u32, value: u64) {
    put_key(out, field, 0);
    put_varint(out, value);
}

fn put_bytes(out: &mut Vec<u8>, field: u32, data: &[u8]) {
    put_key(out, field, 2);
    put_varint(out, data.len() as u64);
    out.extend_from_slice(data);
}

fn plugins_message(names: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for name in names {
        put_bytes(&mut out, 12, name.as_bytes());
    }
    out
}

fn image_with_size(size: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = INVENTORY_MAGIC.to_le_bytes().to_vec();
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(payload);
    out
}

fn image(payload: &[u8]) -> Vec<u8> {
    let size = u32::try_from(payload.len()).expect("test payload fits in u32");
    image_with_size(size, payload)
}

/// A payload like the ones CRIU 4.1 writes, and the offsets inside it
/// where each top-level field ends.
fn sample_payload(plugins: Option<&[&str]>) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::new();
    let mut ends = Vec::new();
    put_uint(&mut out, 1, 2);
    ends.push(out.len());
    put_uint(&mut out, 2, 1);
    ends.push(out.len());
    let mut ids = Vec::new();
    for (field, value) in (1..=12).zip([1, 1, 1, 1, 1, 2, 3, 4, 6, 7, 8, 5]) {
        put_uint(&mut ids, field, value);
    }
    put_bytes(&mut out, 3, &ids);
    ends.push(out.len());
    put_uint(&mut out, 4, 1);
    ends.push(out.len());
    put_uint(&mut out, 5, 1);
    ends.push(out.len());
    put_uint(&mut out, 6, 2);
    ends.push(out.len());
    put_uint(&mut out, 9, 2);
    ends.push(out.len());
    put_uint(&mut out, 10, 1);
    ends.push(out.len());
    put_uint(&mut out, 11, 1);
    ends.push(out.len());
    if let Some(names) = plugins {
        put_bytes(&mut out, 12, &plugins_message(names));
        ends.push(out.len());
    }
    put_bytes(&mut out, 13, b"0123abcd-run");
    ends.push(out.len());
    (out, ends)
}

const TWO_PLUGINS: &[&str] = &["cuda_plugin", "inventory_test_enabled_plugin"];

fn two_plugin_image() -> Vec<u8> {
    image(&sample_payload(Some(TWO_PLUGINS)).0)
}

fn malformed_offset(result: Result<Inventory, InventoryError>) -> (String, usize) {
    match result {
        Err(InventoryError::Malformed { what, offset }) => (what, offset),
        other => panic!("expected a malformed-protobuf error, got {other:?}"),
    }
}

/// `criu dump` of CRIU 4.1.1 with two plugins that record their names.
const REAL_WITH_PLUGINS: &[u8] = include_bytes!("../../../testdata/inventory-4.1.1-plugins.img");
/// `criu dump` of CRIU 4.1.1 with no plugin.
const REAL_NO_PLUGINS: &[u8] = include_bytes!("../../../testdata/inventory-4.1.1.img");
/// The no-plugin image re-encoded by the `crit` of CRIU 3.17.1, which
/// knows no fields after 11.
const CRIT_3_17: &[u8] = include_bytes!("../../../testdata/inventory-3.17-crit.img");

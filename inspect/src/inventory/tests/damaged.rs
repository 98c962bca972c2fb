//! Damaged images: truncations, random byte flips, foreign magics,
//! oversized entries and malformed protobuf, each refused with its offset.

use super::*;
use std::path::PathBuf;

#[test]
fn empty_input() {
    assert_eq!(parse(&[]), Err(InventoryError::Empty));
    assert!(InventoryError::Empty.to_string().contains("empty"));
}

#[test]
fn every_truncation_of_the_file_fails() {
    let bytes = two_plugin_image();
    let entry = bytes.len() - 8;
    for len in 0..bytes.len() {
        let prefix = bytes.get(..len).expect("in range");
        let err = parse(prefix).expect_err("a truncated image must fail");
        let expected = match len {
            0 => InventoryError::Empty,
            1..=3 => InventoryError::Truncated {
                what: "magic",
                offset: 0,
                expected: 4,
                got: len,
            },
            4..=7 => InventoryError::Truncated {
                what: "entry size",
                offset: 4,
                expected: 4,
                got: len - 4,
            },
            _ => InventoryError::Truncated {
                what: "entry",
                offset: 8,
                expected: entry,
                got: len - 8,
            },
        };
        assert_eq!(err, expected, "prefix of {len} bytes");
    }
    let message = parse(bytes.get(..20).expect("in range"))
        .expect_err("truncated")
        .to_string();
    assert!(
        message.contains(&format!("expected {entry} bytes, got 12")),
        "{message}"
    );
}

#[test]
fn every_cut_of_the_entry_fails_unless_it_ends_on_a_field() {
    let (payload, ends) = sample_payload(Some(TWO_PLUGINS));
    for cut in 0..payload.len() {
        let result = parse(&image(payload.get(..cut).expect("in range")));
        if ends.contains(&cut) {
            let inv = result.expect("a cut between fields is a shorter message");
            assert_eq!(inv.img_version, 2);
        } else if cut == 0 {
            assert_eq!(
                result,
                Err(InventoryError::MissingField {
                    field: "img_version"
                })
            );
        } else {
            let (_, offset) = malformed_offset(result);
            assert!(
                offset >= 8 && offset <= 8 + cut,
                "cut {cut}: offset {offset}"
            );
        }
    }
}

/// A fixed-seed xorshift64 generator.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % bound as u64).expect("below bound")
    }
}

fn flip_bytes(original: &[u8], rounds: usize, seed: u64) -> (usize, usize) {
    let mut rng = XorShift(seed);
    let (mut ok, mut failed) = (0, 0);
    for _ in 0..rounds {
        let mut bytes = original.to_vec();
        for _ in 0..=rng.below(3) {
            let at = rng.below(bytes.len());
            let mask = u8::try_from(rng.below(255) + 1).expect("1..=255");
            if let Some(byte) = bytes.get_mut(at) {
                *byte ^= mask;
            }
        }
        let head = word_at(&bytes, 0).expect("image is longer than 4 bytes");
        let is_inventory = u32::from_le_bytes(head) == INVENTORY_MAGIC
            || u32::from_be_bytes(head) == INVENTORY_MAGIC;
        match parse(&bytes) {
            Ok(inv) => {
                assert!(is_inventory, "a foreign magic was accepted");
                if let Some(names) = inv.plugins.names() {
                    assert!(names.iter().all(|name| !name.contains('\0')));
                }
                ok += 1;
            }
            Err(err) => {
                if !is_inventory {
                    assert!(matches!(err, InventoryError::ForeignMagic { .. }));
                }
                assert!(!err.to_string().is_empty());
                failed += 1;
            }
        }
    }
    (ok, failed)
}

#[test]
fn random_byte_flips_never_panic() {
    let (ok, failed) = flip_bytes(&two_plugin_image(), 20_000, 0x9e37_79b9_7f4a_7c15);
    assert_eq!(ok + failed, 20_000);
    assert!(ok > 0 && failed > 0, "ok {ok}, failed {failed}");
    let (ok, failed) = flip_bytes(REAL_WITH_PLUGINS, 20_000, 0x2545_f491_4f6c_dd1d);
    assert_eq!(ok + failed, 20_000);
}

#[test]
fn foreign_magic_is_named_in_hex() {
    let mut core = IMG_COMMON_MAGIC.to_le_bytes().to_vec();
    core.extend_from_slice(&0x5505_3847u32.to_le_bytes());
    core.extend_from_slice(&[0; 8]);
    let err = parse(&core).expect_err("core image");
    assert_eq!(
        err,
        InventoryError::ForeignMagic {
            found: IMG_COMMON_MAGIC,
            next: Some(0x5505_3847)
        }
    );
    let message = err.to_string();
    assert!(message.contains("0x54564319"), "{message}");
    assert!(message.contains("0x55053847 (core image)"), "{message}");
    assert!(message.contains("0x58313116"), "{message}");

    let err = parse(&[0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0]).expect_err("junk");
    let message = err.to_string();
    assert!(message.contains("0xefbeadde (unknown magic)"), "{message}");

    let err = parse(&0x5027_3030u32.to_be_bytes()).expect_err("big-endian pstree");
    let message = err.to_string();
    assert!(message.contains("pstree image, big-endian"), "{message}");

    let err = parse(&IMG_COMMON_MAGIC.to_le_bytes()).expect_err("header only");
    assert!(err.to_string().contains("ends there"), "{err}");
}

#[test]
fn common_header_before_inventory_magic_is_refused() {
    let mut bytes = IMG_COMMON_MAGIC.to_le_bytes().to_vec();
    bytes.extend_from_slice(&two_plugin_image());
    let err = parse(&bytes).expect_err("CRIU refuses this too");
    assert_eq!(
        err,
        InventoryError::ForeignMagic {
            found: IMG_COMMON_MAGIC,
            next: Some(INVENTORY_MAGIC)
        }
    );
    assert!(err.to_string().contains("without that header"), "{err}");
}

#[test]
fn huge_declared_size_is_oversized() {
    let err = parse(&image_with_size(u32::MAX, &[0x08, 0x02])).expect_err("huge");
    assert_eq!(
        err,
        InventoryError::OversizedEntry {
            declared: u32::MAX,
            limit: MAX_ENTRY_SIZE
        }
    );
    assert!(err.to_string().contains("4294967295"), "{err}");

    let just_over = u32::try_from(MAX_ENTRY_SIZE + 1).expect("fits");
    assert!(matches!(
        parse(&image_with_size(just_over, &[])),
        Err(InventoryError::OversizedEntry { .. })
    ));
    let at_limit = u32::try_from(MAX_ENTRY_SIZE).expect("fits");
    assert_eq!(
        parse(&image_with_size(at_limit, &[0x08, 0x02])),
        Err(InventoryError::Truncated {
            what: "entry",
            offset: 8,
            expected: MAX_ENTRY_SIZE,
            got: 2
        })
    );
}

#[test]
fn missing_img_version() {
    let mut payload = Vec::new();
    put_bytes(&mut payload, 12, &plugins_message(&["cuda_plugin"]));
    let err = parse(&image(&payload)).expect_err("version is required");
    assert_eq!(
        err,
        InventoryError::MissingField {
            field: "img_version"
        }
    );
    assert!(err.to_string().contains("img_version"));
}

#[test]
fn groups_and_invalid_wire_types_are_rejected() {
    for wire in [3u8, 4, 6, 7] {
        let mut payload = vec![0x08, 0x02];
        put_key(&mut payload, 20, wire);
        payload.push(0);
        let (what, offset) = malformed_offset(parse(&image(&payload)));
        assert_eq!(offset, 10, "wire type {wire}");
        assert!(what.contains(&format!("wire type {wire}")), "{what}");
    }
    let mut inner = Vec::new();
    put_key(&mut inner, 1, 3);
    let mut payload = vec![0x08, 0x02];
    put_bytes(&mut payload, 12, &inner);
    let (what, offset) = malformed_offset(parse(&image(&payload)));
    assert_eq!(offset, 12);
    assert!(what.contains("group"), "{what}");
}

#[test]
fn wrong_wire_type_for_a_known_field_is_rejected() {
    let mut payload = Vec::new();
    put_bytes(&mut payload, 1, b"\x02");
    let (what, offset) = malformed_offset(parse(&image(&payload)));
    assert_eq!(offset, 8);
    assert!(what.contains("field 1 (img_version)"), "{what}");

    let mut payload = vec![0x08, 0x02];
    put_uint(&mut payload, 12, 0);
    let (what, _) = malformed_offset(parse(&image(&payload)));
    assert!(what.contains("plugins_entry"), "{what}");

    let mut inner = Vec::new();
    put_uint(&mut inner, 12, 5);
    let mut payload = vec![0x08, 0x02];
    put_bytes(&mut payload, 12, &inner);
    let (what, offset) = malformed_offset(parse(&image(&payload)));
    assert_eq!(offset, 12);
    assert!(what.contains("(plugins)"), "{what}");
}

#[test]
fn bad_keys_and_varints_are_rejected() {
    let (what, offset) = malformed_offset(parse(&image(&[0x08, 0x02, 0x00])));
    assert_eq!(offset, 10);
    assert!(what.contains("field number 0"), "{what}");

    let mut payload = vec![0x08];
    payload.extend_from_slice(&[0xff; 9]);
    payload.push(0x02);
    let (what, offset) = malformed_offset(parse(&image(&payload)));
    assert_eq!(offset, 9);
    assert!(what.contains("64 bits"), "{what}");

    let mut payload = vec![0x08, 0x02];
    payload.extend_from_slice(&[0x80; 12]);
    let (what, offset) = malformed_offset(parse(&image(&payload)));
    assert_eq!(offset, 10);
    assert!(what.contains("field key"), "{what}");

    let mut payload = vec![0x08, 0x02];
    put_varint(&mut payload, 1 << 35);
    let (what, _) = malformed_offset(parse(&image(&payload)));
    assert!(what.contains("exceeds 32 bits"), "{what}");

    let (what, offset) = malformed_offset(parse(&image(&[0x08, 0x82])));
    assert_eq!(offset, 9);
    assert!(what.contains("runs past the end"), "{what}");
}

#[test]
fn lengths_are_checked_against_what_remains() {
    let mut payload = vec![0x08, 0x02];
    put_key(&mut payload, 13, 2);
    put_varint(&mut payload, u64::MAX >> 1);
    payload.extend_from_slice(b"abc");
    let (what, offset) = malformed_offset(parse(&image(&payload)));
    assert_eq!(offset, 11);
    assert!(what.contains("remain"), "{what}");

    let mut payload = vec![0x08, 0x02];
    put_key(&mut payload, 15, 1);
    payload.extend_from_slice(&[0; 7]);
    let (what, offset) = malformed_offset(parse(&image(&payload)));
    assert_eq!(offset, 11);
    assert!(what.contains("needs 8 bytes but 7 remain"), "{what}");

    let mut payload = vec![0x08, 0x02];
    put_key(&mut payload, 15, 5);
    payload.extend_from_slice(&[0; 3]);
    let (what, _) = malformed_offset(parse(&image(&payload)));
    assert!(what.contains("needs 4 bytes but 3 remain"), "{what}");

    // A name running past the end of plugins_entry, though not past
    // the end of the entry.
    let mut payload = vec![0x08, 0x02];
    put_bytes(&mut payload, 12, &[0x62, 0x05, b'a', b'b']);
    put_uint(&mut payload, 7, 0);
    let (what, offset) = malformed_offset(parse(&image(&payload)));
    assert_eq!(offset, 13);
    assert!(what.contains("needs 5 bytes but 2 remain"), "{what}");
}

#[test]
fn bad_plugin_names_are_rejected_with_their_offset() {
    // Entry: 08 02 | 62 0d | 62 0b "cuda_plugin"; the name starts at
    // index 6 of the entry, byte 14 of the file.
    let mut payload = vec![0x08, 0x02];
    put_bytes(&mut payload, 12, &plugins_message(&["cuda_plugin"]));
    assert_eq!(payload.get(6..), Some(&b"cuda_plugin"[..]));
    let name_offset = 14;

    let mut utf8 = payload.clone();
    utf8[6 + 4] = 0xc3;
    let (what, offset) = malformed_offset(parse(&image(&utf8)));
    assert_eq!(offset, name_offset + 4);
    assert!(what.contains("UTF-8"), "{what}");

    let mut nul = payload;
    nul[6 + 2] = 0;
    let (what, offset) = malformed_offset(parse(&image(&nul)));
    assert_eq!(offset, name_offset + 2);
    assert!(what.contains("NUL"), "{what}");
}

#[test]
fn error_messages_say_what_happened() {
    let path = PathBuf::from("/images/inventory.img");
    let cases = [
        (
            InventoryError::NotFound { path: path.clone() },
            "/images/inventory.img: no such file",
        ),
        (
            InventoryError::NotRegular {
                path: path.clone(),
                kind: "FIFO",
            },
            "is a FIFO, not a regular file",
        ),
        (
            InventoryError::TooLarge {
                path: path.clone(),
                limit: MAX_FILE_SIZE,
            },
            "larger than 1048576 bytes",
        ),
        (
            InventoryError::Truncated {
                what: "entry",
                offset: 8,
                expected: 78,
                got: 3,
            },
            "truncated entry at byte 8: expected 78 bytes, got 3",
        ),
        (
            InventoryError::Malformed {
                what: "field number 0".to_owned(),
                offset: 12,
            },
            "malformed protobuf at byte 12: field number 0",
        ),
    ];
    for (err, text) in cases {
        let message = err.to_string();
        assert!(message.contains(text), "{message:?} lacks {text:?}");
    }
}

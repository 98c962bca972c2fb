//! Well-formed images: every kept field, absent and empty plugin lists,
//! unknown and repeated fields, both byte orders.

use super::*;

#[test]
fn reads_two_plugins_and_other_fields() {
    let inv = parse(&two_plugin_image()).expect("valid image");
    assert_eq!(inv.img_version, 2);
    assert_eq!(
        inv.plugins,
        Plugins::Recorded(vec![
            "cuda_plugin".to_owned(),
            "inventory_test_enabled_plugin".to_owned()
        ])
    );
    assert_eq!(inv.plugins.names().map(<[String]>::len), Some(2));
    assert_eq!(inv.lsmtype, Some(2));
    assert_eq!(inv.lsmtype.and_then(lsm_name), Some("AppArmor"));
    assert_eq!(inv.pre_dump_mode, Some(2));
    assert_eq!(inv.pre_dump_mode.and_then(pre_dump_mode_name), Some("read"));
    assert_eq!(inv.tcp_close, Some(true));
    assert_eq!(inv.network_lock_method, Some(1));
    assert_eq!(
        inv.network_lock_method.and_then(network_lock_name),
        Some("nftables")
    );
    assert_eq!(inv.allow_uprobes, None);
    assert_eq!(inv.dump_uptime, None);
    assert_eq!(inv.dump_criu_run_id.as_deref(), Some("0123abcd-run"));
    assert_eq!(inv.byte_order, ByteOrder::Little);
    assert_eq!(inv.trailing_bytes, 0);
}

#[test]
fn absent_plugins_entry_is_not_recorded() {
    let inv = parse(&image(&sample_payload(None).0)).expect("valid image");
    assert_eq!(inv.plugins, Plugins::NotRecorded);
    assert_eq!(inv.plugins.names(), None);
}

#[test]
fn empty_plugins_entry_is_an_empty_list() {
    let inv = parse(&image(&sample_payload(Some(&[])).0)).expect("valid image");
    assert_eq!(inv.plugins, Plugins::Recorded(Vec::new()));
    assert_eq!(inv.plugins.names(), Some(&[][..]));
}

#[test]
fn minimal_entry_has_only_the_version() {
    let mut payload = Vec::new();
    put_uint(&mut payload, 1, 1);
    let inv = parse(&image(&payload)).expect("valid image");
    assert_eq!(inv.img_version, 1);
    assert_eq!(inv.plugins, Plugins::NotRecorded);
    assert_eq!(inv.lsmtype, None);
    assert_eq!(inv.network_lock_method, None);
    assert_eq!(inv.dump_criu_run_id, None);
}

#[test]
fn newer_fields_are_read() {
    let mut payload = Vec::new();
    put_uint(&mut payload, 1, 2);
    put_uint(&mut payload, 8, 123_456_789_012);
    put_uint(&mut payload, 14, 1);
    let inv = parse(&image(&payload)).expect("valid image");
    assert_eq!(inv.dump_uptime, Some(123_456_789_012));
    assert_eq!(inv.allow_uprobes, Some(true));
}

#[test]
fn unknown_fields_are_skipped() {
    let mut inner = Vec::new();
    put_uint(&mut inner, 1, 99);
    put_bytes(&mut inner, 12, b"cuda_plugin");
    put_key(&mut inner, 13, 5);
    inner.extend_from_slice(&[1, 2, 3, 4]);
    put_bytes(&mut inner, 2000, b"ignored");

    let mut payload = Vec::new();
    put_uint(&mut payload, 7, u64::MAX);
    put_key(&mut payload, 15, 1);
    payload.extend_from_slice(&[9; 8]);
    put_uint(&mut payload, 1, 2);
    put_key(&mut payload, 16, 5);
    payload.extend_from_slice(&[9; 4]);
    put_bytes(&mut payload, 99, b"\xff\xfe unknown bytes");
    put_bytes(&mut payload, 12, &inner);
    put_uint(&mut payload, (1 << 29) - 1, 5);

    let inv = parse(&image(&payload)).expect("unknown fields skipped");
    assert_eq!(inv.img_version, 2);
    assert_eq!(
        inv.plugins,
        Plugins::Recorded(vec!["cuda_plugin".to_owned()])
    );
}

#[test]
fn repeated_plugins_entries_are_merged_and_scalars_keep_the_last() {
    let mut payload = Vec::new();
    put_uint(&mut payload, 1, 1);
    put_bytes(&mut payload, 12, &plugins_message(&["a"]));
    put_uint(&mut payload, 1, 2);
    put_bytes(&mut payload, 12, &plugins_message(&[]));
    put_bytes(&mut payload, 12, &plugins_message(&["b", "a"]));
    let inv = parse(&image(&payload)).expect("valid image");
    assert_eq!(inv.img_version, 2);
    assert_eq!(
        inv.plugins,
        Plugins::Recorded(vec!["a".to_owned(), "b".to_owned(), "a".to_owned()])
    );
}

#[test]
fn oversized_varints_keep_the_low_32_bits() {
    let mut payload = Vec::new();
    put_uint(&mut payload, 1, (7 << 32) | 2);
    put_uint(&mut payload, 6, u64::MAX);
    let inv = parse(&image(&payload)).expect("valid image");
    assert_eq!(inv.img_version, 2);
    assert_eq!(inv.lsmtype, Some(-1));
    assert_eq!(inv.lsmtype.and_then(lsm_name), None);
}

#[test]
fn big_endian_words_are_accepted() {
    let (payload, _) = sample_payload(Some(TWO_PLUGINS));
    let mut bytes = INVENTORY_MAGIC.to_be_bytes().to_vec();
    let size = u32::try_from(payload.len()).expect("fits");
    bytes.extend_from_slice(&size.to_be_bytes());
    bytes.extend_from_slice(&payload);
    let inv = parse(&bytes).expect("big-endian image");
    assert_eq!(inv.byte_order, ByteOrder::Big);
    assert_eq!(inv.plugins.names().map(<[String]>::len), Some(2));
}

#[test]
fn trailing_bytes_are_counted() {
    let mut bytes = two_plugin_image();
    bytes.extend_from_slice(&[0xaa; 5]);
    let inv = parse(&bytes).expect("trailing bytes are ignored");
    assert_eq!(inv.trailing_bytes, 5);
    assert_eq!(inv.plugins.names().map(<[String]>::len), Some(2));
}

#[test]
fn invalid_run_id_is_shown_lossily() {
    let mut payload = Vec::new();
    put_uint(&mut payload, 1, 2);
    put_bytes(&mut payload, 13, b"ab\xffcd");
    let inv = parse(&image(&payload)).expect("valid image");
    assert_eq!(inv.dump_criu_run_id.as_deref(), Some("ab\u{fffd}cd"));
}

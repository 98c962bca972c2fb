//! Images written by real CRIU: inventories of 4.1.1 and of 3.17's
//! `crit`, and other images that are not inventories.

use super::*;

#[test]
fn real_image_with_plugins() {
    let inv = parse(REAL_WITH_PLUGINS).expect("real image");
    assert_eq!(inv.img_version, 2);
    assert_eq!(
        inv.plugins,
        Plugins::Recorded(vec![
            "inventory_test_enabled_plugin".to_owned(),
            "cuda_plugin".to_owned()
        ])
    );
    assert_eq!(inv.lsmtype, Some(0));
    assert_eq!(inv.network_lock_method, Some(0));
    assert_eq!(inv.pre_dump_mode, None);
    assert_eq!(inv.tcp_close, None);
    assert_eq!(
        inv.dump_criu_run_id.as_deref(),
        Some("925014af-9f09-4318-b0df-1c02ac9773fe")
    );
    assert_eq!(inv.byte_order, ByteOrder::Little);
    assert_eq!(inv.trailing_bytes, 0);
}

#[test]
fn real_image_without_plugins_records_an_empty_list() {
    let inv = parse(REAL_NO_PLUGINS).expect("real image");
    assert_eq!(inv.img_version, 2);
    assert_eq!(inv.plugins, Plugins::Recorded(Vec::new()));
    assert_eq!(
        inv.dump_criu_run_id.as_deref(),
        Some("36c12c26-ac0c-4d18-bb5a-20aacf9d620e")
    );
}

#[test]
fn image_of_crit_3_17_records_no_plugins() {
    let inv = parse(CRIT_3_17).expect("3.17 layout");
    assert_eq!(inv.img_version, 2);
    assert_eq!(inv.plugins, Plugins::NotRecorded);
    assert_eq!(inv.network_lock_method, Some(0));
    assert_eq!(inv.dump_criu_run_id, None);
}

#[test]
fn test_encoder_matches_real_criu_bytes() {
    let mut ids = Vec::new();
    for (field, value) in (1..=12).zip([1, 1, 1, 1, 1, 2, 3, 4, 6, 7, 8, 5]) {
        put_uint(&mut ids, field, value);
    }
    let mut payload = Vec::new();
    put_uint(&mut payload, 1, 2);
    put_uint(&mut payload, 2, 1);
    put_bytes(&mut payload, 3, &ids);
    put_uint(&mut payload, 4, 1);
    put_uint(&mut payload, 5, 1);
    put_uint(&mut payload, 6, 0);
    put_uint(&mut payload, 11, 0);
    put_bytes(
        &mut payload,
        12,
        &plugins_message(&["inventory_test_enabled_plugin", "cuda_plugin"]),
    );
    put_bytes(&mut payload, 13, b"925014af-9f09-4318-b0df-1c02ac9773fe");
    assert_eq!(image(&payload), REAL_WITH_PLUGINS);
}

#[test]
fn real_images_of_other_types_are_named() {
    let cases: [(&[u8], u32, &str); 3] = [
        (
            include_bytes!("../../../testdata/pstree-4.1.1.img"),
            0x5027_3030,
            "0x50273030 (pstree image)",
        ),
        (
            include_bytes!("../../../testdata/core-4.1.1.img"),
            0x5505_3847,
            "0x55053847 (core image)",
        ),
        (
            include_bytes!("../../../testdata/stats-dump-4.1.1"),
            0x5709_3306,
            "0x57093306 (stats file)",
        ),
    ];
    for (bytes, second, text) in cases {
        let err = parse(bytes).expect_err("not an inventory");
        let InventoryError::ForeignMagic { found, next } = err else {
            panic!("expected a foreign magic, got {err:?}");
        };
        assert!(found == IMG_COMMON_MAGIC || found == IMG_SERVICE_MAGIC);
        assert_eq!(next, Some(second));
        let message = err.to_string();
        assert!(message.contains(text), "{message}");
    }
}

#[test]
fn every_truncation_of_a_real_image_fails() {
    for len in 0..REAL_WITH_PLUGINS.len() {
        let prefix = REAL_WITH_PLUGINS.get(..len).expect("in range");
        assert!(parse(prefix).is_err(), "prefix of {len} bytes");
    }
}

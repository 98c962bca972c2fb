//! The report's text and JSON (render.rs): escaping, layout, summaries,
//! exit statuses, skipped files and bytes that are not UTF-8.

use super::*;

#[test]
fn json_strings_are_escaped() {
    assert_eq!(json_string("plain"), r#""plain""#);
    assert_eq!(json_string(r#"a "b" \c"#), r#""a \"b\" \\c""#);
    assert_eq!(json_string("l1\nl2\r\t"), r#""l1\nl2\r\t""#);
    assert_eq!(
        json_string("\u{1}\u{8}\u{c}\u{1f}\u{7f}"),
        r#""\u0001\b\f\u001f\u007f""#
    );
    assert_eq!(json_string("é ✓ \u{2028}"), "\"é ✓ \\u2028\"");
    assert_eq!(json_string(""), r#""""#);
    assert_eq!(json_opt_str(None), "null");
    assert_eq!(json_strings(&["a", "\"b"]), r#"["a", "\"b"]"#);
    assert_eq!(json_strings::<&str>(&[]), "[]");
}

#[test]
fn json_report() {
    let j = render_json(&sample_report());
    for needle in [
        r#""folder": "/d","#,
        r#""folder_source": "command line","#,
        r#""supported_version": "0.2.0","#,
        r#""summary": {"candidates": 2, "loads": 1, "needs_host": 0, "not_loaded": 0, "skipped": 0, "refused": 1, "alternative": 0},"#,
        r#""skip": null,"#,
        r#""first_refused": "/d/b.so","#,
        r#""exit_status": 1,"#,
        r#""name": "good \"one\"","#,
        r#""hooks": ["DUMP_UNIX_SK", "POST_FORKING"],"#,
        r#""init": "present","#,
        r#""exit": "absent","#,
        r#""reason": "version 0.3.0 is newer than the supported 0.2.0","#,
        r#""version": "0.3.0","#,
        r#""version_number": 768,"#,
        r#""max_hooks": null,"#,
        r#""hooks": null,"#,
        r#""warnings": ["a\tb\nc"],"#,
    ] {
        assert!(j.contains(needle), "JSON lacks {needle}:\n{j}");
    }
    assert_eq!(j.matches('{').count(), j.matches('}').count());
    assert_eq!(j.matches('[').count(), j.matches(']').count());
    assert!(!j.contains(",\n  }") && !j.contains(",\n    }"));
    let empty = Report {
        files: vec![],
        folder: None,
        source: None,
        ..sample_report()
    };
    assert!(render_json(&empty).contains("\"plugins\": []\n}"));
    assert!(render_json(&empty).contains("\"folder\": null,"));
}

#[test]
fn text_report() {
    let t = render_human(&sample_report());
    for needle in [
        "Plugin folder: /d (from command line)\n",
        "Loader: plugin versions up to 0.2.0, 15 hooks; strict mode off\n",
        "1. a.so\n",
        "   status     loads\n",
        "   name       good \"one\"\n",
        "   hooks      DUMP_UNIX_SK, POST_FORKING\n",
        "   init       present (not called)\n",
        "   exit       absent\n",
        "2. b.so\n",
        "   status     refused: version 0.3.0 is newer than the supported 0.2.0\n",
        "   version    0.3.0\n",
        "   hooks      (unknown)\n",
        "Summary: 2 candidate files: 1 load, 1 refused.\n",
        "would fail at b.so (the first refused file)",
    ] {
        assert!(t.contains(needle), "text lacks {needle:?}:\n{t}");
    }
}

#[test]
fn exit_statuses() {
    let mut r = sample_report();
    assert_eq!(r.exit_status(), 1);
    r.files.truncate(1);
    assert_eq!(r.exit_status(), 0);
    r.files[0].status = Status::NeedsHost;
    assert_eq!(r.exit_status(), 0);
    r.folder_error = Some("Unable to open directory /d".into());
    assert_eq!(r.exit_status(), 1);
}

#[test]
fn text_escapes_names_paths_and_reasons() {
    let mut r = sample_report();
    r.folder = Some("/d\n[fake] line".into());
    r.files[0].file = "a\u{1b}[2J.so".into();
    r.files[0].name = Some("n\nm".into());
    r.files[1].status = Status::Refused("Plugin file /d/\u{7}b.so is writable".into());
    r.files[1].file = "b\\.so".into();
    let t = render_human(&r);
    assert!(
        t.contains("Plugin folder: /d\\n[fake] line (from command line)\n"),
        "{t}"
    );
    assert!(t.contains("1. a\\x1b[2J.so\n"), "{t}");
    assert!(t.contains("   name       n\\nm\n"), "{t}");
    assert!(
        t.contains("refused: Plugin file /d/\\x07b.so is writable\n"),
        "{t}"
    );
    assert!(t.contains("would fail at b\\\\.so"), "{t}");
    assert!(!t.bytes().any(|b| b == 0x1b || b == 0x07));
    // The folder's error is not in the report text: it goes to stderr.
    r.folder_error = Some("Unable to open directory /d: gone".into());
    r.files.clear();
    let t = render_human(&r);
    assert!(!t.contains("Unable to open"), "{t}");
    assert!(t.contains("would fail on the folder itself"), "{t}");
}

#[test]
fn json_has_its_schema_and_what_was_inspected() {
    let j = render_json(&sample_report());
    assert!(
        j.starts_with("{\n  \"schema\": 1,\n  \"inspected\": \"folder\",\n"),
        "{j}"
    );
    let mut r = sample_report();
    r.inspected = Inspected::File;
    assert!(render_json(&r).contains("\"inspected\": \"file\","));
}

#[test]
fn skipped_files_in_the_output() {
    let mut r = sample_report();
    r.files[1].status = Status::Skipped("CRIU_PLUGIN_SKIP".into());
    r.skip = Some(Skip {
        source: "CRIU_PLUGIN_SKIP",
        names: vec![b"b".to_vec(), b"odd\xff".to_vec()],
    });
    assert_eq!(r.exit_status(), 0);
    let t = render_human(&r);
    for needle in [
        "Skip list: b, odd\\xff (from CRIU_PLUGIN_SKIP)\n",
        "   status     skipped: named in CRIU_PLUGIN_SKIP; the loader never opens it\n",
        "Summary: 2 candidate files: 1 load, 1 skipped.\n",
    ] {
        assert!(t.contains(needle), "text lacks {needle:?}:\n{t}");
    }
    assert!(!t.contains("would fail"), "{t}");
    let j = render_json(&r);
    for needle in [
        "\"skip\": {\"source\": \"CRIU_PLUGIN_SKIP\", \"names\": [\"b\", \"odd\u{fffd}\"]},",
        "\"skipped\": 1,",
        "\"status\": \"skipped\",",
        "\"first_refused\": null,",
        "\"exit_status\": 0,",
    ] {
        assert!(j.contains(needle), "JSON lacks {needle}:\n{j}");
    }
}

#[test]
fn bytes_that_are_not_utf8() {
    let mut r = sample_report();
    r.folder = Some(b"/d\xfe".to_vec());
    r.files[0].file = b"a\xff.so".to_vec();
    r.files[0].path = b"/d\xfe/a\xff.so".to_vec();
    r.files[0].name = Some(b"n\xff".to_vec());
    // Sentences hold names escaped already: shown as they are.
    r.files[0].warnings = vec!["Plugin file /d\\xfe/a\\xff.so is writable".into()];
    let t = render_human(&r);
    for needle in [
        "Plugin folder: /d\\xfe (from command line)\n",
        "1. a\\xff.so\n",
        "   name       n\\xff\n",
        "   warning    Plugin file /d\\xfe/a\\xff.so is writable\n",
    ] {
        assert!(t.contains(needle), "text lacks {needle:?}:\n{t}");
    }
    assert!(!t.contains('\u{fffd}'), "{t}");
    let j = render_json(&r);
    for needle in [
        "\"folder\": \"/d\u{fffd}\",",
        "\"file\": \"a\u{fffd}.so\",",
        "\"path\": \"/d\u{fffd}/a\u{fffd}.so\",",
        "\"name\": \"n\u{fffd}\",",
        "\"warnings\": [\"Plugin file /d\\\\xfe/a\\\\xff.so is writable\"],",
    ] {
        assert!(j.contains(needle), "JSON lacks {needle}:\n{j}");
    }
    // The file name of a report comes from its path's bytes.
    let f = FileReport::new(1, b"/d\xfe/a\xff.so");
    assert_eq!(f.file, b"a\xff.so");
    // Alternatives name the one expected to start, escaped.
    let mut files = vec![
        named(1, "/d/a.so", None, Status::Loads),
        named(2, "/d/b.so", None, Status::Loads),
    ];
    files[0].name = Some(b"t\xff".to_vec());
    files[1].name = Some(b"t\xff".to_vec());
    files[0].path = b"/d/\xfea.so".to_vec();
    mark_alternatives(&mut files);
    let mut text = String::new();
    render_file(&mut text, &files[1]);
    assert!(
        text.contains("status     alternative: closed without its init while /d/\\xfea.so starts"),
        "{text}"
    );
    assert!(
        text.contains("alternatives /d/\\xfea.so (expected to start), /d/b.so"),
        "{text}"
    );
}

#[test]
fn safe_sentences() {
    assert_eq!(Safe("plain \\x41 é").to_string(), "plain \\x41 é");
    assert_eq!(Safe("a\nb\x1b[2J\x7f").to_string(), "a\\nb\\x1b[2J\\x7f");
}

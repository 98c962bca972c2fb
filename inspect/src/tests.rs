//! Unit tests of the pure parts: arguments, records, judging, output.

use super::*;
use criu_plugin::abi::gen_version;

fn args(list: &[&str]) -> Result<Command, String> {
    parse_args(list.iter().map(OsString::from))
}

fn loaded_record(name: &str, hooks: HookSet) -> Record {
    Record {
        opened: true,
        kind: Some(Kind::Descriptor),
        name: Some(Some(name.into())),
        version: Some(CRIU_PLUGIN_VERSION),
        max_hooks: Some(15),
        hooks: Some(hooks),
        init: Some(true),
        exit: Some(false),
        end: true,
        ..Record::default()
    }
}

fn evidence(path: &str, record: Option<Record>, ending: Ending) -> Evidence {
    Evidence {
        position: 1,
        path: path.into(),
        facts: FileFacts::default(),
        run: record.map(|record| Run { record, ending }),
        untrusted: None,
        path_concern: None,
        skipped_by: None,
        not_run: None,
    }
}

fn static_facts(name: &str, version: u32) -> FileFacts {
    FileFacts {
        descriptor: Some(StaticDescriptor {
            name: Some(name.into()),
            version: Some(version),
            max_hooks: Some(15),
            hooks: HookSet::of(Hook::DumpExtFile),
            init: true,
            exit: false,
            bad_symbol: None,
        }),
        ..FileFacts::default()
    }
}

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
fn record_values_round_trip() {
    for v in [
        "",
        "x",
        "a b",
        "back\\slash",
        "new\nline",
        "\\n literal",
        "end\\",
    ] {
        assert_eq!(
            unescape_value(&escape_value(v.as_bytes())),
            v.as_bytes(),
            "{v:?}"
        );
        assert!(!escape_value(v.as_bytes()).contains(&b'\n'));
    }
    // Any bytes, not only UTF-8.
    assert_eq!(
        unescape_value(&escape_value(b"\xff\\\n\xfe")),
        b"\xff\\\n\xfe"
    );
    assert_eq!(record_line("end", None), b"end\n");
    assert_eq!(record_line("name", Some(b"a\nb")), b"name a\\nb\n");
}

#[test]
fn records_parse() {
    let text = [
        record_line("opened", None),
        record_line("descriptor", None),
        record_line("version", Some(b"512")),
        record_line("max_hooks", Some(b"15")),
        record_line("init", Some(b"1")),
        record_line("exit", Some(b"0")),
        record_line("name", Some(b"odd name\nwith newline")),
        record_line("hooks", Some((1u32 << 12 | 1).to_string().as_bytes())),
        record_line("missing", Some(b"opts")),
        record_line("missing", Some(b"print_on_level")),
        record_line("bad_symbol", Some(b"CR_PLUGIN_DESC is 8 bytes")),
        record_line("something-new", Some(b"ignored")),
        record_line("end", None),
    ]
    .concat();
    let r = Record::parse(&text);
    assert!(r.opened && r.end);
    assert_eq!(r.kind, Some(Kind::Descriptor));
    assert_eq!(r.name, Some(Some(b"odd name\nwith newline".to_vec())));
    assert_eq!((r.version, r.max_hooks), (Some(0x200), Some(15)));
    assert_eq!((r.init, r.exit), (Some(true), Some(false)));
    assert_eq!(
        r.hooks,
        Some(HookSet::of(Hook::DumpUnixSk) | HookSet::of(Hook::PostForking))
    );
    assert_eq!(r.missing, ["opts", "print_on_level"]);
    assert_eq!(r.bad_symbol.as_deref(), Some("CR_PLUGIN_DESC is 8 bytes"));

    // A child that died mid-line: the torn line is dropped.
    let torn = Record::parse(b"opened\ndescriptor\nversion 51");
    assert!(torn.opened && !torn.end);
    assert_eq!(torn.version, None);
    assert_eq!(Record::parse(b"noname\n").name, Some(None));
    assert_eq!(Record::parse(b""), Record::default());
    assert_eq!(
        Record::parse(b"dlerror x.so: invalid ELF header\nend\n").dlerror,
        Some("x.so: invalid ELF header".into())
    );
    // A name that is not UTF-8 keeps its bytes.
    assert_eq!(
        Record::parse(&record_line("name", Some(b"n\xff"))).name,
        Some(Some(b"n\xff".to_vec()))
    );
}

#[test]
fn signals_and_endings_read_well() {
    assert_eq!(signal_name(11), "SIGSEGV");
    assert_eq!(signal_name(6), "SIGABRT");
    assert_eq!(signal_name(7), "SIGBUS");
    assert_eq!(signal_name(9), "SIGKILL");
    assert_eq!(signal_name(0), "?");
    assert_eq!(signal_name(64), "?");
    assert_eq!(signal_name(-1), "?");
    assert_eq!(
        ending_reason(&Ending::Signalled(11), false),
        "crashed in its constructors: signal 11 (SIGSEGV)"
    );
    assert_eq!(
        ending_reason(&Ending::Signalled(7), true),
        "crashed while its descriptor was read: signal 7 (SIGBUS)"
    );
    assert_eq!(
        ending_reason(&Ending::Exited(3), false),
        "called exit(3) in its constructors, which would end CRIU"
    );
    assert_eq!(
        ending_reason(&Ending::TimedOut(Duration::from_secs(10)), false),
        "still running after 10 s in its constructors (hangs?)"
    );
    assert_eq!(
        ending_reason(&Ending::TimedOut(Duration::from_millis(1500)), false),
        "still running after 1.5 s in its constructors (hangs?)"
    );
}

#[test]
fn undefined_symbols_in_dlerror() {
    let e = "/x/p.so: undefined symbol: opts";
    assert!(is_undefined_symbol_error(e));
    assert_eq!(undefined_symbol_in(e), Some("opts"));
    assert_eq!(
        undefined_symbol_in("/x/p.so: undefined symbol: foo, version GLIBC_9"),
        Some("foo")
    );
    assert!(!is_undefined_symbol_error("/x/p.so: invalid ELF header"));
    assert_eq!(undefined_symbol_in("/x/p.so: invalid ELF header"), None);
}

#[test]
fn command_lines() {
    assert_eq!(args(&[]), Ok(Command::Inspect(Options::default())));
    let Ok(Command::Inspect(o)) = args(&["--json", "--strict", "/p", "--load-untrusted"]) else {
        panic!("options")
    };
    assert!(o.json && o.strict && o.load_untrusted);
    assert_eq!(o.target, Some(PathBuf::from("/p")));
    assert_eq!(o.images, None);
    assert_eq!(o.timeout, DEFAULT_TIMEOUT);
    let Ok(Command::Inspect(o)) = args(&["--timeout", "2.5"]) else {
        panic!("--timeout")
    };
    assert_eq!(o.timeout, Duration::from_millis(2500));
    let Ok(Command::Inspect(o)) = args(&["--timeout=3", "--", "-odd"]) else {
        panic!("--timeout=, --")
    };
    assert_eq!(o.timeout, Duration::from_secs(3));
    assert_eq!(o.target, Some(PathBuf::from("-odd")));
    assert_eq!(args(&["-h"]), Ok(Command::Help));
    assert_eq!(args(&["/p", "--help"]), Ok(Command::Help));
    assert_eq!(args(&["-V"]), Ok(Command::Version));
    assert!(
        args(&["--bogus"])
            .unwrap_err()
            .contains("unknown option '--bogus'")
    );
    assert!(args(&["/a", "/b"]).unwrap_err().contains("only one FOLDER"));
    let Ok(Command::Inspect(o)) = args(&["--images", "/img", "/p"]) else {
        panic!("--images")
    };
    assert_eq!(o.images, Some(PathBuf::from("/img")));
    assert_eq!(o.target, Some(PathBuf::from("/p")));
    let Ok(Command::Inspect(o)) = args(&["--images=/i"]) else {
        panic!("--images=")
    };
    assert_eq!((o.images, o.target), (Some(PathBuf::from("/i")), None));
    assert!(args(&["--images"]).unwrap_err().contains("--images needs"));
    assert!(args(&["--images="]).is_err());
    // What came from the command line is escaped in the message.
    assert!(
        args(&["/a", "/b\n\x1b[2J"])
            .unwrap_err()
            .contains("'/b\\n\\x1b[2J'")
    );
    assert!(args(&["--\x1b"]).unwrap_err().contains("'--\\x1b'"));
    assert!(args(&["--timeout"]).is_err());
    assert!(args(&["--timeout", "0"]).is_err());
    assert!(args(&["--timeout", "-1"]).is_err());
    assert!(args(&["--timeout=soon"]).is_err());
}

#[test]
fn help_is_complete() {
    let h = help_text();
    for needle in [
        "--json",
        "--strict",
        "--load-untrusted",
        "--timeout SECONDS",
        "-h, --help",
        "-V, --version",
        "CRIU_LIBS_DIR",
        probe::STRICT_ENV.to_str().unwrap(),
        probe::DEFAULT_PLUGIN_DIR,
        "secure-execution",
        "Exit status",
        "usage error",
        "needs-host",
        "not-loaded",
        "refused",
        "max_hooks",
        "legacy",
        "a.b.c",
        "\"missing_symbols\"",
    ] {
        assert!(h.contains(needle), "--help lacks {needle}");
    }
    assert!(
        h.lines().all(|l| l.chars().count() <= 80),
        "--help fits in 80 columns"
    );
}

#[test]
fn judges_a_good_plugin() {
    let hooks = HookSet::of(Hook::DumpUnixSk) | HookSet::of(Hook::PostForking);
    let r = judge(
        &evidence(
            "/d/a.so",
            Some(loaded_record("good", hooks)),
            Ending::Exited(0),
        ),
        false,
    );
    assert_eq!(r.status, Status::Loads);
    assert_eq!(r.file, b"a.so");
    assert_eq!(r.name.as_deref(), Some(&b"good"[..]));
    assert_eq!(r.hooks, Some(hooks));
    assert!(r.hooks_complete && r.loaded);
    assert_eq!((r.init, r.exit), (Some(true), Some(false)));
    assert_eq!(r.loader_name().as_deref(), Some(&b"good"[..]));
}

#[test]
fn judges_refusals_in_the_loaders_order() {
    let mut rec = loaded_record("new", HookSet::empty());
    rec.version = Some(gen_version(0, 3, 0));
    let r = judge(&evidence("/d/n.so", Some(rec), Ending::Exited(0)), false);
    assert_eq!(
        r.status,
        Status::Refused("version 0.3.0 is newer than the supported 0.2.0".into())
    );

    let mut rec = loaded_record("big", HookSet::empty());
    rec.max_hooks = Some(20);
    rec.hooks = None;
    let r = judge(&evidence("/d/b.so", Some(rec), Ending::Exited(0)), false);
    assert_eq!(
        r.status,
        Status::Refused("max_hooks 20 is more than the supported 15".into())
    );
    assert_eq!(r.hooks, None);

    // Trust comes first; in strict mode it is the reason.
    let mut ev = evidence(
        "/d/u.so",
        Some(loaded_record("u", HookSet::empty())),
        Ending::Exited(0),
    );
    ev.untrusted = Some("is writable by others (mode 0646)".into());
    assert_eq!(judge(&ev, false).status, Status::Loads);
    assert_eq!(
        judge(&ev, false).warnings,
        ["Plugin file /d/u.so is writable by others (mode 0646)"]
    );
    assert_eq!(
        judge(&ev, true).status,
        Status::Refused(
            "Plugin file /d/u.so is writable by others (mode 0646) (strict mode)".into()
        )
    );
}

#[test]
fn judges_files_that_do_not_load() {
    // Not ELF.
    let mut ev = evidence(
        "/d/e.so",
        Some(Record {
            dlerror: Some("/d/e.so: file too short".into()),
            end: true,
            ..Record::default()
        }),
        Ending::Exited(0),
    );
    ev.facts = FileFacts::unusable("not an ELF file");
    let r = judge(&ev, false);
    assert_eq!(
        r.status,
        Status::Refused("not an ELF file (dlopen: /d/e.so: file too short)".into())
    );
    assert_eq!(r.kind, None);

    // Another dlopen error.
    ev.facts = FileFacts::default();
    ev.run.as_mut().unwrap().record.dlerror =
        Some("libdrm.so.2: cannot open shared object file".into());
    assert_eq!(
        judge(&ev, false).status,
        Status::Refused("Unable to load: libdrm.so.2: cannot open shared object file".into())
    );

    // A crash in the constructors still shows what the file says.
    let mut ev = evidence("/d/c.so", Some(Record::default()), Ending::Signalled(11));
    ev.facts = static_facts("crash", CRIU_PLUGIN_VERSION);
    let r = judge(&ev, false);
    assert_eq!(
        r.status,
        Status::Refused("crashed in its constructors: signal 11 (SIGSEGV)".into())
    );
    assert_eq!(r.name.as_deref(), Some(&b"crash"[..]));
    assert!(!r.loaded && !r.hooks_complete);

    // Crashed after dlopen returned.
    let rec = Record {
        opened: true,
        kind: Some(Kind::Descriptor),
        ..Record::default()
    };
    let r = judge(&evidence("/d/c.so", Some(rec), Ending::Signalled(7)), false);
    assert_eq!(
        r.status,
        Status::Refused("crashed while its descriptor was read: signal 7 (SIGBUS)".into())
    );
}

#[test]
fn judges_plugins_that_need_criu() {
    // Data symbol: dlopen fails; the file is read instead.
    let mut ev = evidence(
        "/d/g.so",
        Some(Record {
            dlerror: Some("/d/g.so: undefined symbol: opts".into()),
            missing: vec!["print_on_level".into()],
            end: true,
            ..Record::default()
        }),
        Ending::Exited(0),
    );
    ev.facts = static_facts("gpu", CRIU_PLUGIN_VERSION);
    let r = judge(&ev, false);
    assert_eq!(r.status, Status::NeedsHost);
    assert_eq!(r.missing_symbols, ["opts", "print_on_level"]);
    assert_eq!(r.name.as_deref(), Some(&b"gpu"[..]));
    assert_eq!(r.hooks, Some(HookSet::of(Hook::DumpExtFile)));
    assert!(!r.hooks_complete && !r.loaded);
    assert_eq!((r.init, r.exit), (Some(true), Some(false)));

    // ... and it is still refused when what the file says is wrong.
    ev.facts = static_facts("gpu", gen_version(1, 0, 0));
    assert_eq!(
        judge(&ev, false).status,
        Status::Refused("version 1.0.0 is newer than the supported 0.2.0".into())
    );

    // Functions only: loads lazily, hooks known.
    let mut rec = loaded_record("fn", HookSet::of(Hook::RestoreExtFile));
    rec.missing = vec!["print_on_level".into()];
    let r = judge(&evidence("/d/k.so", Some(rec), Ending::Exited(0)), false);
    assert_eq!(r.status, Status::NeedsHost);
    assert!(r.loaded && r.hooks_complete);
}

#[test]
fn judges_legacy_and_untrusted_files_from_the_file() {
    let mut ev = evidence("/d/l.so", None, Ending::Exited(0));
    ev.facts = FileFacts {
        legacy_hooks: HookSet::of(Hook::DumpExtFile),
        legacy_init: true,
        ..FileFacts::default()
    };
    ev.untrusted = Some("is writable by its group (mode 0664)".into());
    ev.not_run = Some("not loaded".into());
    let r = judge(&ev, false);
    assert_eq!(r.status, Status::NotLoaded);
    assert_eq!(r.kind, Some(Kind::Legacy));
    assert_eq!(r.name.as_deref(), Some(&b"/d/l.so"[..]));
    assert_eq!(r.version, Some(CRIU_PLUGIN_VERSION_OLD));
    assert_eq!(r.hooks, Some(HookSet::of(Hook::DumpExtFile)));
    assert!(r.hooks_complete);
    assert_eq!((r.init, r.exit), (Some(true), Some(false)));
    assert_eq!(r.warnings.len(), 2);
    assert!(judge(&ev, true).status.is_refused());
}

fn named(position: usize, path: &str, name: Option<&str>, status: Status) -> FileReport {
    let mut f = FileReport::new(position, path.as_bytes());
    f.kind = Some(Kind::Descriptor);
    f.name = name.map(Into::into);
    f.name_known = true;
    f.status = status;
    f
}

#[test]
fn duplicates_name_the_first_file() {
    let mut files = vec![
        named(1, "/d/0.so", Some("twin"), Status::Refused("bad".into())),
        named(2, "/d/a.so", Some("twin"), Status::Loads),
        named(3, "/d/b.so", Some("other"), Status::NeedsHost),
        named(4, "/d/c.so", Some("twin"), Status::Loads),
        named(5, "/d/d.so", Some("twin"), Status::NotLoaded),
        named(6, "/d/e.so", None, Status::Loads),
        named(7, "/d/f.so", Some("/d/e.so"), Status::Loads),
    ];
    let mut unknown = FileReport::new(8, b"/d/g.so");
    unknown.kind = Some(Kind::Descriptor);
    files.push(unknown);
    mark_duplicates(&mut files);
    let verdicts: Vec<_> = files.iter().map(|f| f.status.word()).collect();
    assert_eq!(
        verdicts,
        [
            "refused",
            "loads",
            "needs-host",
            "refused",
            "refused",
            "loads",
            "refused",
            "loads"
        ]
    );
    assert_eq!(
        files[3].status,
        Status::Refused("plugin name \"twin\" is already taken by /d/a.so".into())
    );
    assert_eq!(files[4].duplicate_of.as_deref(), Some(&b"/d/a.so"[..]));
    // A nameless descriptor goes by its path, as in the loader.
    assert_eq!(files[6].duplicate_of.as_deref(), Some(&b"/d/e.so"[..]));
}

fn sample_report() -> Report {
    let mut good = named(1, "/d/a.so", Some("good \"one\""), Status::Loads);
    good.version = Some(CRIU_PLUGIN_VERSION);
    good.max_hooks = Some(15);
    good.hooks = Some(HookSet::of(Hook::DumpUnixSk) | HookSet::of(Hook::PostForking));
    good.hooks_complete = true;
    good.init = Some(true);
    good.exit = Some(false);
    good.loaded = true;
    let mut bad = named(
        2,
        "/d/b.so",
        Some("b"),
        Status::Refused("version 0.3.0 is newer than the supported 0.2.0".into()),
    );
    bad.version = Some(gen_version(0, 3, 0));
    bad.warnings.push("a\tb\nc".into());
    Report {
        inspected: Inspected::Folder,
        folder: Some("/d".into()),
        source: Some("command line"),
        folder_error: None,
        skip: None,
        warnings: vec![],
        notes: vec![],
        strict: false,
        files: vec![good, bad],
    }
}

#[test]
fn json_report() {
    let j = render_json(&sample_report());
    for needle in [
        r#""folder": "/d","#,
        r#""folder_source": "command line","#,
        r#""supported_version": "0.2.0","#,
        r#""summary": {"candidates": 2, "loads": 1, "needs_host": 0, "not_loaded": 0, "skipped": 0, "refused": 1},"#,
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
fn judges_bad_descriptor_symbols_before_their_fields() {
    // Seen by the child: the loader's sentence, no field read.
    let rec = Record {
        opened: true,
        kind: Some(Kind::Descriptor),
        bad_symbol: Some("CR_PLUGIN_DESC is 8 bytes, too small for a descriptor (32 bytes)".into()),
        end: true,
        ..Record::default()
    };
    let r = judge(&evidence("/d/s.so", Some(rec), Ending::Exited(0)), false);
    assert_eq!(
        r.status,
        Status::Refused("CR_PLUGIN_DESC is 8 bytes, too small for a descriptor (32 bytes)".into())
    );
    assert_eq!((r.version, r.max_hooks, r.name_known), (None, None, false));

    // Read from the file only (dlopen failed on CRIU's symbols).
    let mut ev = evidence(
        "/d/s.so",
        Some(Record {
            dlerror: Some("/d/s.so: undefined symbol: opts".into()),
            end: true,
            ..Record::default()
        }),
        Ending::Exited(0),
    );
    let mut facts = static_facts("s", CRIU_PLUGIN_VERSION);
    facts.descriptor.as_mut().unwrap().bad_symbol =
        Some("CR_PLUGIN_DESC is 112 bytes, too small for max_hooks 15 (152 bytes)".into());
    ev.facts = facts;
    assert_eq!(
        judge(&ev, false).status,
        Status::Refused(
            "CR_PLUGIN_DESC is 112 bytes, too small for max_hooks 15 (152 bytes)".into()
        )
    );
    // ... and when the tool did not load it (untrusted).
    ev.run = None;
    ev.not_run = Some("not loaded".into());
    assert!(judge(&ev, false).status.is_refused());
}

#[test]
fn judges_files_the_loader_refuses_before_dlopen() {
    // Not a regular file: the loader's first check, before trust.
    let mut ev = evidence("/d/f.so", None, Ending::Exited(0));
    ev.facts = FileFacts::unloadable(Unloadable::NotRegular(
        "it is a FIFO, not a regular file".into(),
    ));
    let fifo = Status::Refused("it is a FIFO, not a regular file".into());
    let r = judge(&ev, false);
    assert_eq!(r.status, fifo);
    assert_eq!(r.kind, None);
    ev.untrusted = Some("is writable by others (mode 0646)".into());
    assert_eq!(judge(&ev, true).status, fifo);
    assert!(judge(&ev, false).warnings.is_empty());

    // Truncated: after trust.
    let cut = "it is truncated: its loadable segments need 12472 bytes, the file has 4000";
    ev.facts = FileFacts::unloadable(Unloadable::Truncated(cut.into()));
    assert_eq!(
        judge(&ev, true).status,
        Status::Refused(
            "Plugin file /d/f.so is writable by others (mode 0646) (strict mode)".into()
        )
    );
    let r = judge(&ev, false);
    assert_eq!(r.status, Status::Refused(cut.into()));
    assert_eq!(r.warnings.len(), 1);
}

#[test]
fn file_kinds_in_the_loaders_words() {
    let kind = |p: &str| not_regular(std::fs::metadata(p).unwrap().file_type());
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
        Some(Unloadable::NotRegular(
            "it is a FIFO, not a regular file".into()
        ))
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn file_operands() {
    assert_eq!(folder_of(Path::new("x.so")), PathBuf::from("."));
    assert_eq!(folder_of(Path::new("/d/x.so")), PathBuf::from("/d"));
    assert_eq!(folder_of(Path::new("/x.so")), PathBuf::from("/"));
    assert_eq!(with_slash(Path::new("x.so")), PathBuf::from("./x.so"));
    assert_eq!(with_slash(Path::new("d/x.so")), PathBuf::from("d/x.so"));
    assert!(names_a_file(Path::new("/dev/null")));
    assert!(!names_a_file(Path::new("/")));
    assert!(!names_a_file(Path::new("/does/not/exist")));
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

fn recorded(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

#[test]
fn names_are_taken_by_criu_rule() {
    // Exact names, each plugin takes one.
    assert_eq!(
        take_names(&recorded(&["a", "b"]), &[Some(&b"b"[..]), Some(&b"a"[..])]),
        [Some(1), Some(0)]
    );
    // A recorded name that starts with a plugin's name counts as found; a
    // shorter one does not.
    assert_eq!(
        take_names(
            &recorded(&["cuda_plugin_v2", "cud"]),
            &[Some(&b"cuda_plugin"[..])]
        ),
        [Some(0), None]
    );
    // One plugin takes one name: the first left in CRIU's list order, the
    // reverse of the file's.
    assert_eq!(
        take_names(&recorded(&["ab", "abc"]), &[Some(&b"ab"[..])]),
        [None, Some(0)]
    );
    assert_eq!(
        take_names(&recorded(&["x", "x"]), &[Some(&b"x"[..])]),
        [None, Some(0)]
    );
    assert_eq!(
        take_names(&recorded(&["x", "x"]), &[Some(&b"x"[..]), Some(&b"x"[..])]),
        [Some(1), Some(0)]
    );
    // An empty name compares no byte: it takes any name. No name takes none.
    assert_eq!(
        take_names(&recorded(&["p", "q"]), &[None, Some(&b""[..])]),
        [None, Some(1)]
    );
    assert_eq!(
        take_names(&[], &[Some(&b"a"[..])]),
        Vec::<Option<usize>>::new()
    );
}

fn restore(names: Option<&[&str]>, files: Vec<FileReport>) -> RestoreCheck {
    let plugins = match names {
        Some(n) => inventory::Plugins::Recorded(recorded(n)),
        None => inventory::Plugins::NotRecorded,
    };
    let inv = inventory::Inventory {
        img_version: 2,
        plugins,
        lsmtype: None,
        pre_dump_mode: None,
        network_lock_method: None,
        tcp_close: None,
        allow_uprobes: None,
        dump_uptime: None,
        dump_criu_run_id: Some("run-1".into()),
        byte_order: inventory::ByteOrder::Little,
        trailing_bytes: 0,
    };
    let report = Report {
        files,
        ..sample_report()
    };
    RestoreCheck::new(
        Path::new("/img"),
        Path::new("/img/inventory.img"),
        inv,
        report,
    )
}

#[test]
fn restore_checks() {
    let files = || {
        vec![
            named(1, "/d/a.so", Some("good"), Status::Loads),
            named(2, "/d/b.so", Some("host"), Status::NeedsHost),
            named(
                3,
                "/d/c.so",
                Some("cuda_plugin"),
                Status::Refused("bad".into()),
            ),
        ]
    };
    fn ok(c: &RestoreCheck) -> (bool, i32, String) {
        (c.satisfied(), c.exit_status(), c.missing().join(" "))
    }
    // Refused files do not provide a name, and fail the restore on their own.
    let c = restore(Some(&["cuda_plugin", "good"]), files());
    assert_eq!(ok(&c), (false, 1, "cuda_plugin".into()));
    assert_eq!(c.providers, [None, Some(0)]);
    let t = render_restore_human(&c);
    assert!(t.contains("Missing required plugin: cuda_plugin\n"), "{t}");
    assert!(
        t.contains("c.so would be refused (bad), and 1 plugin(s)"),
        "{t}"
    );
    assert!(t.contains("provided by a.so (\"good\", loads)"), "{t}");
    assert!(
        t.contains("Loaded, but needed by no recorded name: b.so (\"host\")"),
        "{t}"
    );

    let mut good = files();
    good.truncate(2);
    let c = restore(Some(&["host", "good"]), good.clone());
    assert_eq!(ok(&c), (true, 0, String::new()));
    assert!(render_restore_human(&c).contains("would find every plugin the images need"));

    // Two missing: reported in CRIU's order, the reverse of the file's.
    let c = restore(Some(&["m1", "good", "m2"]), good.clone());
    assert_eq!(ok(&c), (false, 1, "m2 m1".into()));
    assert!(render_restore_human(&c).contains("2 plugins the images need are missing."));

    // No list: nothing is required. An empty list: likewise.
    let c = restore(None, good.clone());
    assert_eq!(ok(&c), (true, 0, String::new()));
    assert!(render_restore_human(&c).contains("no plugin is required"));
    let c = restore(Some(&[]), good.clone());
    assert_eq!(ok(&c), (true, 0, String::new()));
    // ... but a refused file still fails the restore.
    assert_eq!(ok(&restore(None, files())).1, 1);

    let j = render_restore_json(&restore(Some(&["cuda_plugin", "good"]), files()));
    for needle in [
        "{\n  \"schema\": 1,\n  \"images\": \"/img\",\n",
        "\"inventory\": \"/img/inventory.img\",",
        "\"img_version\": 2,",
        "\"dump_criu_run_id\": \"run-1\",",
        "\"plugins_recorded\": true,",
        "{\"name\": \"cuda_plugin\", \"provided_by\": null, \"provider_name\": null, \"provider_status\": null}",
        "{\"name\": \"good\", \"provided_by\": \"/d/a.so\", \"provider_name\": \"good\", \"provider_status\": \"loads\"}",
        "\"missing\": [\"cuda_plugin\"],",
        "\"unneeded\": [\"/d/b.so\"],",
        "\"satisfied\": false,",
        "\"exit_status\": 1,",
        "\"inspection\": {\n    \"schema\": 1,",
    ] {
        assert!(j.contains(needle), "JSON lacks {needle}:\n{j}");
    }
    assert_eq!(j.matches('{').count(), j.matches('}').count());
    assert!(render_restore_json(&restore(None, vec![])).contains("\"needed\": [],"));
}

#[test]
fn skip_option() {
    let Ok(Command::Inspect(o)) = args(&["--skip", "a,b.so", "/p"]) else {
        panic!("--skip")
    };
    assert_eq!(o.skip, Some(OsString::from("a,b.so")));
    assert_eq!(o.target, Some(PathBuf::from("/p")));
    let Ok(Command::Inspect(o)) = args(&["--skip="]) else {
        panic!("--skip=")
    };
    assert_eq!(o.skip, Some(OsString::new()));
    assert!(
        args(&["--skip"])
            .unwrap_err()
            .contains("--skip needs a value")
    );
    assert_eq!(
        parse_args(Vec::<OsString>::new()),
        Ok(Command::Inspect(Options::default()))
    );
}

#[test]
fn judges_skipped_files_before_trust() {
    let mut ev = evidence("/d/s.so", None, Ending::Exited(0));
    ev.facts = static_facts("gpu", gen_version(0, 3, 0));
    ev.untrusted = Some("is writable by others (mode 0646)".into());
    ev.path_concern = Some("Plugin file /d/s.so: folder /x on the path to its target ...".into());
    ev.skipped_by = Some("CRIU_PLUGIN_SKIP".into());
    ev.not_run = Some("not loaded by the inspector: named in CRIU_PLUGIN_SKIP".into());
    // Never opened: no trust warning, no refusal (not even its version),
    // in strict mode too; what the file says is still shown.
    for strict in [false, true] {
        let r = judge(&ev, strict);
        assert_eq!(r.status, Status::Skipped("CRIU_PLUGIN_SKIP".into()));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        assert_eq!(r.name.as_deref(), Some(&b"gpu"[..]));
        assert!(!r.loaded);
        assert!(
            r.notes
                .iter()
                .any(|n| n.contains("named in CRIU_PLUGIN_SKIP"))
        );
    }
    // A file that is not a regular file is refused before the skip list.
    ev.facts = FileFacts::unloadable(Unloadable::NotRegular(
        "it is a FIFO, not a regular file".into(),
    ));
    assert!(judge(&ev, false).status.is_refused());
}

#[test]
fn judges_the_path_to_a_linked_file_after_the_file() {
    let mut ev = evidence(
        "/d/l.so",
        Some(loaded_record("l", HookSet::empty())),
        Ending::Exited(0),
    );
    let link = "Plugin file /d/l.so: folder /home/u on the path to its target is owned by uid 1000, neither root nor the effective user 0";
    ev.path_concern = Some(link.into());
    let r = judge(&ev, false);
    assert_eq!(r.status, Status::Loads);
    assert_eq!(r.warnings, [link]);
    assert_eq!(
        judge(&ev, true).status,
        Status::Refused(format!("{link} (strict mode)"))
    );
    // The file's own trust comes first: in strict mode it is the reason.
    ev.untrusted = Some("is writable by others (mode 0646)".into());
    let r = judge(&ev, false);
    assert_eq!(r.warnings.len(), 2);
    assert!(r.warnings[0].starts_with("Plugin file /d/l.so is writable"));
    assert_eq!(
        judge(&ev, true).status,
        Status::Refused(
            "Plugin file /d/l.so is writable by others (mode 0646) (strict mode)".into()
        )
    );
}

#[test]
fn skipped_files_take_no_name() {
    let mut files = vec![
        named(1, "/d/a.so", Some("twin"), Status::Skipped("--skip".into())),
        named(2, "/d/b.so", Some("twin"), Status::Loads),
    ];
    mark_duplicates(&mut files);
    assert_eq!(files[1].status, Status::Loads);
    assert!(!files[0].status.would_load() && !files[0].status.is_refused());
    // Nor does a restore count them.
    let c = restore(Some(&["twin"]), files.clone());
    assert_eq!(c.providers, [Some(1)]);
    files.truncate(1);
    let c = restore(Some(&["twin"]), files);
    assert_eq!((c.satisfied(), c.exit_status()), (false, 1));
    assert!(c.unneeded().is_empty());
    let t = render_restore_human(&c);
    assert!(
        t.contains("twin  missing: a.so would provide it, but it is skipped (named in --skip)"),
        "{t}"
    );
    assert!(t.contains("Missing required plugin: twin\n"), "{t}");
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
    // Duplicates name both in the loader's escaped words.
    let mut files = vec![
        named(1, "/d/a.so", None, Status::Loads),
        named(2, "/d/b.so", None, Status::Loads),
    ];
    files[0].name = Some(b"t\xff".to_vec());
    files[1].name = Some(b"t\xff".to_vec());
    files[0].path = b"/d/\xfea.so".to_vec();
    mark_duplicates(&mut files);
    assert_eq!(
        files[1].status,
        Status::Refused("plugin name \"t\\xff\" is already taken by /d/\\xfea.so".into())
    );
}

#[test]
fn safe_sentences() {
    assert_eq!(Safe("plain \\x41 é").to_string(), "plain \\x41 é");
    assert_eq!(Safe("a\nb\x1b[2J\x7f").to_string(), "a\\nb\\x1b[2J\\x7f");
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

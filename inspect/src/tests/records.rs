//! The child's record (record.rs): escaped values, parsing, signals and
//! endings, undefined symbols in `dlerror`.

use super::*;

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

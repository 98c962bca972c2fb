//! The child process: load one plugin, report on it, and be waited for.

use super::*;

/// Writes record lines straight to the pipe, unbuffered, so what was
/// written before a crash reaches the parent.
pub(crate) struct RecordWriter(c_int);

impl RecordWriter {
    fn put(&self, key: &str, value: Option<&[u8]>) {
        let line = record_line(key, value);
        let mut rest = &line[..];
        while !rest.is_empty() {
            // SAFETY: `rest` is a live byte slice; the fd is our pipe's write end.
            let n = unsafe { libc::write(self.0, rest.as_ptr().cast(), rest.len()) };
            if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            if n <= 0 {
                return;
            }
            rest = &rest[n as usize..];
        }
    }
}

/// Loads `path` and reports on it; never returns.
pub(crate) fn child_main(path: &CStr, fd: c_int) -> ! {
    // SAFETY: plain system calls on this process: no core files for plugins
    // that crash, and the plugins' chatter goes to stderr, never into the
    // tool's stdout (which may be JSON).
    unsafe {
        let no_core = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &no_core);
        libc::dup2(2, 1);
    }
    let out = RecordWriter(fd);
    // SAFETY: running the plugin's constructors in this child, and reading
    // its descriptor as a plugin's, is the purpose of the child; a plugin
    // that misbehaves or lies about its descriptor only takes it down,
    // which the parent reports.
    match unsafe { Library::open(path, libc::RTLD_LAZY) } {
        Ok(library) => {
            out.put("opened", None);
            describe(&library, &out);
            for sym in probe::missing_symbols(&library) {
                out.put("missing", Some(sym.as_bytes()));
            }
            // Never dlclose: that would run the plugin's destructors.
            std::mem::forget(library);
        }
        Err(e) => {
            let e = e.to_string();
            out.put("dlerror", Some(e.as_bytes()));
            if is_undefined_symbol_error(&e) {
                for sym in unresolved_in_file(path) {
                    out.put("missing", Some(sym.as_bytes()));
                }
            }
        }
    }
    out.put("end", None);
    // SAFETY: _exit ends the child at once, without running atexit handlers
    // or the plugin's destructors.
    unsafe { libc::_exit(0) }
}

/// Reports the loaded plugin's descriptor (or the one the loader would
/// build for a legacy plugin), the way the loader reads it.
pub(crate) fn describe(library: &Library, out: &RecordWriter) {
    let bit = |b: bool| Some(if b { &b"1"[..] } else { b"0" });
    let number = |n: u32| n.to_string().into_bytes();
    let hooks = |set: HookSet| set.bits().to_string().into_bytes();
    match probe::LoadedPlugin::read(library) {
        probe::LoadedPlugin::Descriptor(desc) => {
            out.put("descriptor", None);
            if let Some(fields) = &desc.fields {
                out.put("version", Some(&number(fields.version)));
                out.put("max_hooks", Some(&number(fields.max_hooks)));
                out.put("init", bit(fields.init));
                out.put("exit", bit(fields.exit));
                match &fields.name {
                    Some(name) => out.put("name", Some(name)),
                    None => out.put("noname", None),
                }
            }
            if let Some(bad) = &desc.bad {
                out.put("bad_symbol", Some(bad.to_string().as_bytes()));
            }
            if let Some(set) = desc.hooks {
                out.put("hooks", Some(&hooks(set)));
            }
        }
        probe::LoadedPlugin::Legacy {
            hooks: set,
            init,
            exit,
        } => {
            out.put("legacy", None);
            out.put("init", bit(init));
            out.put("exit", bit(exit));
            out.put("hooks", Some(&hooks(set)));
        }
    }
}

/// For a file `dlopen` refused over an undefined symbol: every undefined,
/// non-weak symbol of its `.dynsym` that neither this process nor the
/// file's own dependencies provide.
pub(crate) fn unresolved_in_file(path: &CStr) -> Vec<String> {
    let p = Path::new(OsStr::from_bytes(path.to_bytes()));
    let Ok(elf) = ElfFile::open(p, READ_LIMIT) else {
        return Vec::new();
    };
    let Some(dynamic) = elf.dynamic() else {
        return Vec::new();
    };
    let folder = p.parent().unwrap_or(Path::new("."));
    let deps: Vec<Library> = dynamic
        .needed()
        .filter_map(|name| {
            // SAFETY: this runs in the child, whose purpose is to load the
            // plugin; its dependencies' constructors run when it loads anyway.
            let found = unsafe { Library::open(name, libc::RTLD_LAZY) }.ok();
            found.or_else(|| {
                // A dependency beside the plugin ($ORIGIN).
                let beside = folder.join(OsStr::from_bytes(name.to_bytes()));
                let beside = CString::new(beside.into_os_string().into_vec()).ok()?;
                // SAFETY: as above.
                unsafe { Library::open(&beside, libc::RTLD_LAZY) }.ok()
            })
        })
        .collect();
    dynamic
        .symbols()
        .filter(|(s, _)| !s.is_defined() && !s.is_weak())
        .filter(|(_, name)| {
            probe::global_symbol(name).is_none() && deps.iter().all(|d| d.symbol(name).is_none())
        })
        .map(|(_, name)| name.to_string_lossy().into_owned())
        .collect()
}

pub(crate) fn close(fd: c_int) {
    // SAFETY: closing a descriptor this module opened and owns.
    unsafe { libc::close(fd) };
}

/// Loads `path` in a child process and collects its record, killing it
/// after `timeout`.
///
/// # Safety
/// The process is single-threaded: the child is forked and then runs code
/// (the dynamic linker, the plugin's constructors) that would deadlock on a
/// lock another thread held at the fork.
pub(crate) unsafe fn run_child(path: &CStr, timeout: Duration) -> Run {
    let failed = |what: &str| Run {
        record: Record::default(),
        ending: Ending::Failed(format!("{what}: {}", std::io::Error::last_os_error())),
    };
    let mut fds = [0 as c_int; 2];
    // SAFETY: pipe2 writes two descriptors into the two-element array.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return failed("pipe");
    }
    let [read_end, write_end] = fds;
    // Nothing may sit in our stdout buffer: the child must not print it again.
    let _ = std::io::stdout().flush();
    // SAFETY: the tool is single-threaded (see the module docs), so the
    // child may allocate and call dlopen; it leaves only through _exit.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        close(read_end);
        close(write_end);
        return failed("fork");
    }
    if pid == 0 {
        close(read_end);
        child_main(path, write_end);
    }
    close(write_end);
    let deadline = Instant::now() + timeout;
    let mut bytes = Vec::new();
    let mut timed_out = false;
    loop {
        if bytes.ends_with(b"\nend\n") || bytes == b"end\n" {
            break;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            timed_out = true;
            break;
        }
        let mut pfd = libc::pollfd {
            fd: read_end,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = left.as_millis().clamp(1, c_int::MAX as u128) as c_int;
        // SAFETY: one valid pollfd.
        let rc = unsafe { libc::poll(&mut pfd, 1, ms) };
        if rc < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            break;
        }
        if rc == 0 {
            continue;
        }
        let mut chunk = [0u8; 4096];
        // SAFETY: reading into a local buffer of the given length.
        let n = unsafe { libc::read(read_end, chunk.as_mut_ptr().cast(), chunk.len()) };
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            break;
        }
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..n as usize]);
    }
    close(read_end);
    let status = wait_for(pid, if timed_out { Instant::now() } else { deadline });
    let record = Record::parse(&bytes);
    let ending = match status {
        None => Ending::TimedOut(timeout),
        Some(s) if libc::WIFSIGNALED(s) => Ending::Signalled(libc::WTERMSIG(s)),
        Some(s) => Ending::Exited(libc::WEXITSTATUS(s)),
    };
    Run { record, ending }
}

/// Reaps `pid`, killing it if it is still running at `deadline`. `None`:
/// it had to be killed.
pub(crate) fn wait_for(pid: libc::pid_t, deadline: Instant) -> Option<c_int> {
    let mut status: c_int = 0;
    loop {
        // SAFETY: waiting for our own child; status is a valid out-pointer.
        let rc = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if rc == pid {
            return Some(status);
        }
        if rc < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return Some(status);
        }
        if Instant::now() >= deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: killing and reaping our own child, not yet reaped.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
        while libc::waitpid(pid, &mut status, 0) < 0
            && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
        {}
    }
    None
}

//! The hook table: every hook's number, C name and legacy symbol, as Rust
//! values, expanded from `hook_table.rs`.

use bitflags::bitflags;

macro_rules! define_hooks {
    ($(($num:literal, $variant:ident, $cname:literal, $legacy:literal, $typed:ident,
        ($($arg:ident: $argty:ty),*), $cargs:literal, $since:literal)),* $(,)?) => {
        /// A CRIU plugin hook. The discriminant is the hook's number, fixed
        /// forever (`CR_PLUGIN_HOOK__*`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u32)]
        pub enum Hook {
            $(
                #[doc = concat!("`CR_PLUGIN_HOOK__", $cname, "` (", stringify!($num), "), legacy symbol `", $legacy, "`.")]
                $variant = $num,
            )*
        }

        impl Hook {
            /// Every hook, in number order.
            pub const ALL: [Hook; crate::abi::CR_PLUGIN_HOOK__MAX] = [$(Hook::$variant),*];

            /// The hook's name as in `CR_PLUGIN_HOOK__<NAME>`, e.g. `"DUMP_UNIX_SK"`.
            pub const fn name(self) -> &'static str {
                match self { $(Hook::$variant => $cname),* }
            }

            /// The symbol a legacy plugin (one without `CR_PLUGIN_DESC`)
            /// exports for this hook.
            pub const fn legacy_symbol(self) -> &'static str {
                match self { $(Hook::$variant => $legacy),* }
            }

            /// The first CRIU release that calls this hook, as
            /// `MAJOR * 10000 + MINOR * 100 + SUBLEVEL` (0: every release
            /// this project knows; 40300: releases after 4.2).
            pub const fn first_release(self) -> u32 {
                match self { $(Hook::$variant => $since),* }
            }

            /// The same legacy symbol, NUL-terminated for `dlsym`.
            pub const fn legacy_symbol_c(self) -> &'static std::ffi::CStr {
                match self {
                    $(Hook::$variant => match std::ffi::CStr::from_bytes_with_nul(concat!($legacy, "\0").as_bytes()) {
                        Ok(s) => s,
                        Err(_) => panic!("hook table symbol holds a NUL"),
                    }),*
                }
            }
        }
    };
}

for_each_hook!(define_hooks);

impl Hook {
    /// The hook's number, its index in `hooks[]` and `hook_chain[]`.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The hook with number `index`, if there is one.
    pub fn from_index(index: usize) -> Option<Hook> {
        Hook::ALL.get(index).copied()
    }

    /// Looks a hook up by its C name, with or without the
    /// `CR_PLUGIN_HOOK__` prefix.
    pub fn from_name(name: &str) -> Option<Hook> {
        let bare = name.strip_prefix("CR_PLUGIN_HOOK__").unwrap_or(name);
        Hook::ALL.into_iter().find(|h| h.name() == bare)
    }
}

impl std::fmt::Display for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

bitflags! {
    /// A set of hooks, one bit per hook number.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub struct HookSet: u32 {
        /// Every hook this loader knows.
        const ALL = (1 << crate::abi::CR_PLUGIN_HOOK__MAX) - 1;
    }
}

impl HookSet {
    /// The set holding just `hook`.
    pub const fn of(hook: Hook) -> HookSet {
        HookSet::from_bits_retain(1 << hook.index())
    }

    /// Whether `hook` is in the set.
    pub const fn has(self, hook: Hook) -> bool {
        self.bits() & (1 << hook.index()) != 0
    }

    /// The hooks in the set, in number order.
    pub fn hooks(self) -> impl Iterator<Item = Hook> {
        Hook::ALL.into_iter().filter(move |h| self.has(*h))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_indices() {
        for (i, h) in Hook::ALL.iter().enumerate() {
            assert_eq!(h.index(), i);
            assert_eq!(Hook::from_index(i), Some(*h));
        }
        assert_eq!(Hook::from_index(15), None);
    }

    #[test]
    fn names_and_legacy_symbols() {
        assert_eq!(Hook::DumpExtFile.legacy_symbol(), "cr_plugin_dump_file");
        assert_eq!(
            Hook::RestoreExtFile.legacy_symbol(),
            "cr_plugin_restore_file"
        );
        assert_eq!(Hook::DumpDevicesLate.name(), "DUMP_DEVICES_LATE");
        assert_eq!(
            Hook::PostForking.legacy_symbol_c().to_bytes(),
            b"cr_plugin_post_forking"
        );
        assert_eq!(
            Hook::from_name("CR_PLUGIN_HOOK__PAUSE_DEVICES"),
            Some(Hook::PauseDevices)
        );
        assert_eq!(Hook::from_name("RESTORE_INIT"), Some(Hook::RestoreInit));
        assert_eq!(Hook::from_name("NOPE"), None);
    }

    #[test]
    fn hook_sets() {
        let s = HookSet::of(Hook::DumpUnixSk) | HookSet::of(Hook::DumpDevicesLate);
        assert!(s.has(Hook::DumpDevicesLate));
        assert!(!s.has(Hook::PostForking));
        assert_eq!(
            s.hooks().collect::<Vec<_>>(),
            vec![Hook::DumpUnixSk, Hook::DumpDevicesLate]
        );
        assert_eq!(HookSet::ALL.hooks().count(), 15);
    }
}

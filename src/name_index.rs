//! The loaded plugins' names, for the check of which has a name already (a
//! later file of that name is an alternative, closed without its init): an
//! open-addressing table of indices into the registry's plugins, by a hash
//! of the name, sized once per init and freed at fini. Finding a name takes
//! one hash of its bytes and, with the table at most two-thirds full, about
//! one name comparison, whatever the number of plugins.

use crate::fallible::OutOfMemory;

/// Indices by name hash; see the module comment.
#[derive(Debug, Default)]
pub(crate) struct NameIndex {
    /// 0 for a free slot, else the plugin's index + 1. Empty, or a power
    /// of two long.
    slots: Vec<u32>,
}

/// The slots for `names` names: at most two-thirds full.
fn slots_for(names: usize) -> Option<usize> {
    names
        .checked_mul(3)
        .map(|n| n / 2 + 1)
        .and_then(usize::checked_next_power_of_two)
        .map(|n| n.max(8))
}

/// A hash of `name`, eight bytes at a time.
fn hash(name: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |h: u64, word: u64| (h.rotate_left(23) ^ word).wrapping_mul(K);
    let mut chunks = name.chunks_exact(8);
    let mut h = name.len() as u64;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = mix(h, u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        h = mix(h, u64::from_le_bytes(word));
    }
    h ^ (h >> 32)
}

impl NameIndex {
    /// An empty index, which holds nothing and has no room.
    pub(crate) const fn new() -> NameIndex {
        NameIndex { slots: Vec::new() }
    }

    /// Room for `names` names in all, so that [`NameIndex::insert`] never
    /// allocates. Growing re-inserts the indices below `held`, whose names
    /// `name_of` gives.
    pub(crate) fn reserve<'a>(
        &mut self,
        names: usize,
        held: u32,
        name_of: impl Fn(u32) -> Option<&'a [u8]>,
    ) -> Result<(), OutOfMemory> {
        let want = slots_for(names).ok_or(OutOfMemory)?;
        if want <= self.slots.len() {
            return Ok(());
        }
        let mut slots = Vec::new();
        slots.try_reserve_exact(want)?;
        slots.resize(want, 0);
        self.slots = slots;
        for index in 0..held {
            if let Some(name) = name_of(index) {
                self.insert(name, index);
            }
        }
        Ok(())
    }

    /// Forgets every name and keeps the room.
    pub(crate) fn clear(&mut self) {
        self.slots.fill(0);
    }

    /// The index of the plugin named `name`; `name_of` gives the name of
    /// each index held.
    pub(crate) fn find<'a>(
        &self,
        name: &[u8],
        name_of: impl Fn(u32) -> Option<&'a [u8]>,
    ) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = hash(name) as usize & mask;
        // The table is never full, so a free slot ends every search.
        for _ in 0..self.slots.len() {
            let index = self.slots[at].checked_sub(1)?;
            if name_of(index) == Some(name) {
                return Some(index);
            }
            at = (at + 1) & mask;
        }
        None
    }

    /// Records that the plugin at `index` is named `name` (not held yet).
    /// Needs the room [`NameIndex::reserve`] made; without it the name is
    /// not recorded.
    pub(crate) fn insert(&mut self, name: &[u8], index: u32) {
        if self.slots.is_empty() {
            return;
        }
        let mask = self.slots.len() - 1;
        let mut at = hash(name) as usize & mask;
        for _ in 0..self.slots.len() {
            if self.slots[at] == 0 {
                self.slots[at] = index + 1;
                return;
            }
            at = (at + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| format!("plugin_{i:05}").into_bytes())
            .collect()
    }

    #[test]
    fn finds_every_name_and_no_other() {
        for n in [0usize, 1, 5, 64, 1000] {
            let all = names(n);
            let name_of = |i: u32| all.get(i as usize).map(Vec::as_slice);
            let mut index = NameIndex::new();
            assert_eq!(index.find(b"x", name_of), None);
            index.reserve(n, 0, name_of).unwrap();
            for (i, name) in all.iter().enumerate() {
                assert_eq!(index.find(name, name_of), None, "{n}: before {i}");
                index.insert(name, i as u32);
                assert_eq!(index.find(name, name_of), Some(i as u32));
            }
            for (i, name) in all.iter().enumerate() {
                assert_eq!(index.find(name, name_of), Some(i as u32));
            }
            assert_eq!(index.find(b"plugin_", name_of), None);
            assert_eq!(index.find(b"", name_of), None);
            let used = index.slots.iter().filter(|&&s| s != 0).count();
            assert_eq!(used, n);
            assert!(
                used * 3 <= index.slots.len() * 2,
                "{n}: over two-thirds full"
            );
        }
    }

    #[test]
    fn growing_keeps_what_it_holds() {
        let all = names(100);
        let name_of = |i: u32| all.get(i as usize).map(Vec::as_slice);
        let mut index = NameIndex::new();
        index.reserve(3, 0, name_of).unwrap();
        for (i, name) in all.iter().enumerate().take(3) {
            index.insert(name, i as u32);
        }
        let small = index.slots.len();
        index.reserve(100, 3, name_of).unwrap();
        assert!(index.slots.len() > small);
        for (i, name) in all.iter().enumerate().take(3) {
            assert_eq!(index.find(name, name_of), Some(i as u32));
        }
        assert_eq!(index.find(&all[3], name_of), None);
        index.clear();
        assert_eq!(index.find(&all[0], name_of), None);
    }

    #[test]
    fn names_that_differ_late_or_in_length() {
        let all: Vec<&[u8]> = vec![
            b"a",
            b"a\x01",
            b"abcdefgh",
            b"abcdefgh\0",
            b"abcdefghi",
            b"abcdefgi",
        ];
        let name_of = |i: u32| all.get(i as usize).copied();
        let mut index = NameIndex::new();
        index.reserve(all.len(), 0, name_of).unwrap();
        for (i, name) in all.iter().enumerate() {
            assert_eq!(index.find(name, name_of), None);
            index.insert(name, i as u32);
        }
        for (i, name) in all.iter().enumerate() {
            assert_eq!(index.find(name, name_of), Some(i as u32));
        }
    }
}

//! CRIU's intrusive circular list (`struct list_head`, `{prev, next}`):
//! the primitives the loader links its records with.
//!
//! Every function takes raw pointers because the nodes live inside C
//! layouts that CRIU's `run_plugins` macro walks directly.

use crate::abi::ListHead;

/// Makes `head` an empty list.
///
/// # Safety
/// `head` is valid for writes.
pub(crate) unsafe fn init(head: *mut ListHead) {
    // SAFETY: caller's contract.
    unsafe {
        (*head).next = head;
        (*head).prev = head;
    }
}

/// Appends `entry` at the tail of the list `head`.
///
/// # Safety
/// Both are valid; `head` is a well-formed list; `entry` is on no list.
pub(crate) unsafe fn add_tail(entry: *mut ListHead, head: *mut ListHead) {
    // SAFETY: caller's contract; the four writes relink a valid list.
    unsafe {
        let prev = (*head).prev;
        (*entry).next = head;
        (*entry).prev = prev;
        (*prev).next = entry;
        (*head).prev = entry;
    }
}

/// Removes `entry` from its list and leaves it an empty list of its own.
///
/// # Safety
/// `entry` is valid and on a well-formed list (or empty).
pub(crate) unsafe fn del_init(entry: *mut ListHead) {
    // SAFETY: caller's contract.
    unsafe {
        let (prev, next) = ((*entry).prev, (*entry).next);
        (*prev).next = next;
        (*next).prev = prev;
        init(entry);
    }
}

/// Whether the list `head` is empty.
///
/// # Safety
/// `head` is valid for reads.
pub(crate) unsafe fn is_empty(head: *const ListHead) -> bool {
    // SAFETY: caller's contract.
    unsafe { std::ptr::eq((*head).next, head) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr::null_mut;

    fn node() -> Box<ListHead> {
        Box::new(ListHead {
            prev: null_mut(),
            next: null_mut(),
        })
    }

    #[test]
    fn append_and_remove_keep_order() {
        let (mut head, mut a, mut b) = (node(), node(), node());
        let (h, pa, pb): (*mut ListHead, *mut ListHead, *mut ListHead) =
            (&mut *head, &mut *a, &mut *b);
        // SAFETY: three live boxes, used only through these pointers here.
        unsafe {
            init(h);
            assert!(is_empty(h));
            add_tail(pa, h);
            add_tail(pb, h);
            assert_eq!((*h).next, pa);
            assert_eq!((*pa).next, pb);
            assert_eq!((*pb).next, h);
            assert_eq!((*h).prev, pb);
            del_init(pa);
            assert_eq!((*h).next, pb);
            assert!(is_empty(pa));
            del_init(pb);
            assert!(is_empty(h));
        }
    }
}

//! [`Slab`]: values in a `Vec`, named by `u32` indices, with freed slots reused
//! through a free list. The lean await bridge, the reaction executor (its tasks
//! and its await slots) and the timer queue each keep one.
//!
//! Two choices set it apart from the `slab` crate (already in the dependency
//! tree through futures-util):
//!
//! - **A slot costs exactly `size_of::<T>()`.** The slab keeps no tag of its
//!   own: the slot type says what a vacant slot holds ([`Slot`]: its `Default`),
//!   and the free slots' indices wait in a separate `Vec<u32>`. The timer
//!   queue's slot is a bare `Option<Waker>`, 8 bytes on wasm32; the `slab`
//!   crate's `Entry<Option<Waker>>` (`Vacant(usize)` or `Occupied(T)`) has no
//!   niche left for its tag and would be 12, a quarter more per sleeping future.
//!   Vacant and occupied therefore look alike to the slab, so it trusts its
//!   owner to remove an index once per insert, as every owner here does (each
//!   index has one owner, a future or a task, that gives it back once).
//! - **`u32` indices**, the width the JS side and the timer heap's 8-byte
//!   entries carry. [`insert`](Slab::insert) refuses to grow past them instead
//!   of handing out an index that names another slot; on wasm32 it never does (4
//!   GiB of memory cannot hold `u32::MAX` slots).
//!
//! A slot type can also keep something across occupants: the reaction
//! executor's task slot keeps a generation, bumped by its
//! [`vacate`](Slot::vacate), so that a waker that outlives its task cannot wake
//! the next task in the slot. [`claim`](Slab::claim) hands out a vacant slot
//! as it is, so the new occupant can read it.

/// What a [`Slab`] keeps in each slot. `Default` is the vacant value: what a new
/// slot starts as and what [`vacate`](Slot::vacate) leaves behind.
pub trait Slot: Default {
    /// Empties an occupied slot in place, dropping what it held. The default
    /// leaves `Default::default()`; override it to carry something over to the
    /// next occupant.
    #[inline]
    fn vacate(&mut self) {
        *self = Self::default();
    }
}

/// The timer queue's slot: `None` when vacant (and when fired or cancelled,
/// which the queue tells apart by who still holds the index).
impl<W> Slot for Option<W> {}

/// Slots in a `Vec`, reused through a free list of their indices. Indices are
/// stable while a value is in: the `Vec` may move the values when it grows, so
/// they are reached by index, never kept by reference.
#[derive(Debug)]
pub struct Slab<T> {
    slots: Vec<T>,
    // Vacant slots, most recently freed last: the next insert reuses the one
    // freed last, whose memory is the likeliest to be in cache.
    free: Vec<u32>,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab::new()
    }
}

impl<T> Slab<T> {
    /// An empty slab. `const`, for `thread_local!`'s const initializer.
    pub const fn new() -> Self {
        Slab {
            slots: Vec::new(),
            free: Vec::new(),
        }
    }

    /// The slot at `index`, vacant or not; `None` past the end.
    #[inline]
    pub fn get(&self, index: u32) -> Option<&T> {
        self.slots.get(index as usize)
    }

    /// The slot at `index`, vacant or not; `None` past the end.
    #[inline]
    pub fn get_mut(&mut self, index: u32) -> Option<&mut T> {
        self.slots.get_mut(index as usize)
    }

    /// How many slots are occupied: inserted and not yet removed.
    pub fn len(&self) -> usize {
        self.slots.len().saturating_sub(self.free.len())
    }

    /// Whether no slot is occupied.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many slots it has room for before it must allocate: 0 for a new
    /// slab, which owns no memory.
    pub fn capacity(&self) -> usize {
        self.slots.capacity()
    }
}

impl<T: Slot> Slab<T> {
    /// Takes a vacant slot, a freed one if any, else a new one at the end, and
    /// returns its index and the slot as it is (vacant: `T::default()`, or
    /// whatever the last occupant's [`vacate`](Slot::vacate) left). `None` if a
    /// new slot's index would not fit in a `u32`.
    #[inline]
    pub fn claim(&mut self) -> Option<(u32, &mut T)> {
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                let index = u32::try_from(self.slots.len()).ok()?;
                self.slots.push(T::default());
                index
            }
        };
        Some((index, self.slots.get_mut(index as usize)?))
    }

    /// Puts `value` in a vacant slot and returns its index; `None` (and
    /// `value` dropped) if a new slot's index would not fit in a `u32`.
    #[inline]
    pub fn insert(&mut self, value: T) -> Option<u32> {
        let (index, slot) = self.claim()?;
        *slot = value;
        Some(index)
    }

    /// Vacates the slot at `index` (dropping what it held) and frees it for
    /// reuse; does nothing past the end. Call it once per insert: the slab
    /// cannot tell a vacant slot from an occupied one, so a second remove would
    /// free the index twice and let two inserts share it. Nothing is returned:
    /// an owner that wants the value takes it out first (`std::mem::take`),
    /// and the others pay for no move.
    #[inline]
    pub fn remove(&mut self, index: u32) {
        if let Some(slot) = self.slots.get_mut(index as usize) {
            slot.vacate();
            self.free.push(index);
        }
    }

    /// Removes (and drops) every value for which `doomed` says yes. `doomed`
    /// sees every slot, vacant ones too, and must say no to those.
    pub fn remove_where(&mut self, mut doomed: impl FnMut(&T) -> bool) {
        for (index, slot) in self.slots.iter_mut().enumerate() {
            if doomed(slot) {
                slot.vacate();
                // Always fits: `claim` never grows the slab past a u32 index.
                if let Ok(index) = u32::try_from(index) {
                    self.free.push(index);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A slot that counts its occupants, like the executor's generation.
    #[derive(Default, Debug, PartialEq)]
    struct Counted {
        occupants: u32,
        value: Option<&'static str>,
    }

    impl Slot for Counted {
        fn vacate(&mut self) {
            self.value = None;
            self.occupants += 1;
        }
    }

    #[test]
    fn a_freed_index_is_reused_last_freed_first() {
        let mut slab = Slab::new();
        let a = slab.insert(Some("a")).unwrap();
        let b = slab.insert(Some("b")).unwrap();
        let c = slab.insert(Some("c")).unwrap();
        assert_eq!((a, b, c), (0, 1, 2));
        slab.remove(a);
        slab.remove(c);
        assert_eq!(slab.len(), 1);
        assert_eq!(slab.get(a), Some(&None), "a removed slot is vacant");
        assert_eq!(slab.insert(Some("d")), Some(c));
        assert_eq!(slab.insert(Some("e")), Some(a));
        assert_eq!(slab.insert(Some("f")), Some(3), "no free slot: a new one");
        assert_eq!(slab.get(b), Some(&Some("b")));
        assert_eq!(slab.len(), 4);
    }

    #[test]
    fn out_of_range_indices_name_nothing() {
        let mut slab: Slab<Option<u8>> = Slab::new();
        assert_eq!(slab.capacity(), 0, "a new slab owns no memory");
        assert_eq!(slab.get(0), None);
        assert_eq!(slab.get_mut(7), None);
        slab.remove(7);
        assert!(slab.is_empty());
        assert_eq!(slab.insert(Some(1)), Some(0), "index 7 was not freed");
    }

    #[test]
    fn claim_shows_what_the_last_occupant_left() {
        let mut slab: Slab<Counted> = Slab::new();
        let (index, slot) = slab.claim().unwrap();
        assert_eq!(*slot, Counted::default());
        slot.value = Some("first");
        slab.remove(index);
        let (again, slot) = slab.claim().unwrap();
        assert_eq!(again, index);
        assert_eq!(slot.occupants, 1, "vacate carried the count over");
        assert_eq!(slot.value, None);
    }

    #[test]
    fn remove_where_frees_only_the_doomed() {
        let mut slab = Slab::new();
        for value in [1, 2, 3, 4] {
            slab.insert(Some(value));
        }
        slab.remove_where(|slot| slot.is_some_and(|v| v % 2 == 0));
        assert_eq!(slab.len(), 2);
        assert_eq!(slab.get(1), Some(&None));
        assert_eq!(slab.get(3), Some(&None));
        let mut reused = [slab.insert(Some(5)).unwrap(), slab.insert(Some(6)).unwrap()];
        reused.sort_unstable();
        assert_eq!(reused, [1, 3]);
    }
}

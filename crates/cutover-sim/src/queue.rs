//! The discrete-event queue: events ordered by `(due time, insertion sequence)`, so events due at
//! the same instant fire in the order they were scheduled. Keyed events can be cancelled, and
//! scheduling a key that is already pending replaces the old event (a re-armed timeout).

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use crate::clock::VTime;

/// A queue of timed events of type `E`, optionally keyed by `K` for cancellation.
#[derive(Debug)]
pub struct EventQueue<K, E> {
    seq: u64,
    events: BTreeMap<(VTime, u64), (Option<K>, E)>,
    keys: HashMap<K, (VTime, u64)>,
}

impl<K, E> Default for EventQueue<K, E> {
    fn default() -> Self {
        EventQueue {
            seq: 0,
            events: BTreeMap::new(),
            keys: HashMap::new(),
        }
    }
}

impl<K: Hash + Eq + Clone, E> EventQueue<K, E> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Schedules an anonymous event.
    pub fn schedule(&mut self, at: VTime, event: E) {
        let seq = self.next_seq();
        self.events.insert((at, seq), (None, event));
    }

    /// Schedules a keyed event, replacing any pending event with the same key.
    pub fn schedule_keyed(&mut self, key: K, at: VTime, event: E) {
        self.cancel(&key);
        let seq = self.next_seq();
        self.keys.insert(key.clone(), (at, seq));
        self.events.insert((at, seq), (Some(key), event));
    }

    /// Cancels the pending event with this key; returns it if there was one.
    pub fn cancel(&mut self, key: &K) -> Option<E> {
        let slot = self.keys.remove(key)?;
        self.events.remove(&slot).map(|(_, e)| e)
    }

    /// Whether an event with this key is pending.
    pub fn is_pending(&self, key: &K) -> bool {
        self.keys.contains_key(key)
    }

    /// When the pending event with this key is due.
    pub fn due_of(&self, key: &K) -> Option<VTime> {
        self.keys.get(key).map(|(t, _)| *t)
    }

    /// The due time of the earliest pending event.
    pub fn next_due(&self) -> Option<VTime> {
        self.events.keys().next().map(|(t, _)| *t)
    }

    /// Removes and returns the earliest event if it is due at or before `now`.
    pub fn pop_due(&mut self, now: VTime) -> Option<(VTime, E)> {
        let entry = self.events.first_entry()?;
        if entry.key().0 > now {
            return None;
        }
        let ((at, _), (key, event)) = entry.remove_entry();
        if let Some(k) = key {
            self.keys.remove(&k);
        }
        Some((at, event))
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Drops every pending event.
    pub fn clear(&mut self) {
        self.events.clear();
        self.keys.clear();
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(q: &mut EventQueue<&'static str, &'static str>, now: i64) -> Vec<&'static str> {
        let mut out = Vec::new();
        while let Some((_, e)) = q.pop_due(VTime(now)) {
            out.push(e);
        }
        out
    }

    #[test]
    fn orders_by_time() {
        let mut q = EventQueue::new();
        q.schedule(VTime(30), "c");
        q.schedule(VTime(10), "a");
        q.schedule(VTime(20), "b");
        assert_eq!(q.next_due(), Some(VTime(10)));
        assert_eq!(drain(&mut q, 100), ["a", "b", "c"]);
        assert!(q.is_empty());
    }

    #[test]
    fn ties_fire_in_insertion_order() {
        let mut q = EventQueue::new();
        for e in ["first", "second", "third", "fourth"] {
            q.schedule(VTime(5), e);
        }
        q.schedule_keyed("k", VTime(5), "fifth");
        assert_eq!(
            drain(&mut q, 5),
            ["first", "second", "third", "fourth", "fifth"]
        );
    }

    #[test]
    fn only_due_events_pop() {
        let mut q = EventQueue::new();
        q.schedule(VTime(10), "a");
        q.schedule(VTime(11), "b");
        assert_eq!(drain(&mut q, 9), Vec::<&str>::new());
        assert_eq!(drain(&mut q, 10), ["a"]);
        assert_eq!(q.len(), 1);
        assert_eq!(drain(&mut q, 11), ["b"]);
    }

    #[test]
    fn keyed_events_cancel_and_replace() {
        let mut q = EventQueue::new();
        q.schedule_keyed("timeout", VTime(100), "t1");
        q.schedule(VTime(50), "tick");
        assert!(q.is_pending(&"timeout"));
        assert_eq!(q.due_of(&"timeout"), Some(VTime(100)));
        // Re-arming replaces the old event.
        q.schedule_keyed("timeout", VTime(200), "t2");
        assert_eq!(q.len(), 2);
        assert_eq!(drain(&mut q, 150), ["tick"]);
        assert_eq!(q.cancel(&"timeout"), Some("t2"));
        assert_eq!(q.cancel(&"timeout"), None);
        assert!(q.is_empty());
        assert_eq!(drain(&mut q, 1_000), Vec::<&str>::new());
    }

    #[test]
    fn popping_a_keyed_event_frees_its_key() {
        let mut q = EventQueue::new();
        q.schedule_keyed("k", VTime(1), "x");
        assert_eq!(drain(&mut q, 1), ["x"]);
        assert!(!q.is_pending(&"k"));
        q.schedule_keyed("k", VTime(2), "y");
        assert_eq!(drain(&mut q, 2), ["y"]);
    }
}

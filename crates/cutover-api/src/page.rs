//! Pagination shared by list operations: opaque tokens carry the last key of the previous page,
//! so a page costs O(log n + page) whatever the total.

use cutover_wire::{token, AwsError};

/// Decodes an incoming token into the key to resume after; `bad` builds the service's error.
pub fn resume_after(
    token_in: Option<&str>,
    bad: impl FnOnce() -> AwsError,
) -> Result<Option<String>, AwsError> {
    match token_in {
        None => Ok(None),
        Some(t) => token::decode(t).map(Some).ok_or_else(bad),
    }
}

/// The outgoing token: present only when more items remain (so paginators terminate).
pub fn next_token(more: bool, last_key: Option<&str>) -> Option<String> {
    match (more, last_key) {
        (true, Some(k)) => Some(token::encode(k)),
        _ => None,
    }
}

//! Opaque pagination tokens: URL-safe base64 of the key the next page starts after. Clients
//! treat them as opaque; the server can resume a listing from the key in O(log n) instead of
//! counting from the start.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

pub fn encode(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// The key inside a token, or `None` for a token this server did not issue.
pub fn decode(token: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip_and_garbage() {
        let t = super::encode("arn:aws:ecs:us-east-1:1:cluster/a");
        assert_eq!(
            super::decode(&t).as_deref(),
            Some("arn:aws:ecs:us-east-1:1:cluster/a")
        );
        assert_eq!(super::decode("%%%"), None);
    }
}

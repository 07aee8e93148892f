//! Identifiers in the shapes AWS uses: 16-hex-digit ELBv2 ids, 32-hex-digit ECS task ids,
//! UUIDs, CodeDeploy `d-XXXXXXXXX` deployment ids.

/// `n` lowercase hex digits (n ≤ 32).
pub fn hex(n: usize) -> String {
    let mut s = uuid::Uuid::new_v4().simple().to_string();
    s.truncate(n.min(32));
    s
}

pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A CodeDeploy deployment id: `d-` and 9 characters of `[A-Z0-9]`.
pub fn deployment_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let mut s = String::with_capacity(11);
    s.push_str("d-");
    for b in &bytes[..9] {
        s.push(ALPHABET[(*b as usize) % ALPHABET.len()] as char);
    }
    s
}

/// A 19-digit decimal id as ECS uses in `ecs-svc/…` task set and deployment ids.
pub fn ecs_svc_id() -> String {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let mut n = u64::from_le_bytes(bytes[..8].try_into().unwrap_or([0; 8]));
    n = 1_000_000_000_000_000_000 + n % 8_000_000_000_000_000_000;
    format!("ecs-svc/{n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let h = hex(16);
        assert_eq!(h.len(), 16);
        assert!(h
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        let d = deployment_id();
        assert_eq!(d.len(), 11);
        assert!(d[2..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
        let e = ecs_svc_id();
        assert_eq!(e.len(), "ecs-svc/".len() + 19, "{e}");
    }
}

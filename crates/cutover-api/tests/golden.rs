//! Golden wire tests: requests captured from real clients (the aws CLI and the AWS SDK for Rust,
//! `scripts/capture-all.sh`) are replayed, in capture order, through detection, decoding and the
//! handlers; each answer must equal the captured bytes and status. A change in parsing or
//! rendering that a real client would see fails here.

use std::path::PathBuf;

use cutover_api::Operation;
use cutover_core::{Clock, ClockMode, PartitionKey, VTime, World};
use cutover_wire::detect::{detect, Protocol};
use cutover_wire::xml::ELBV2_NS;
use cutover_wire::RequestContext;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde_json::Value;

fn fixtures(client: &str) -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/wire")
        .join(client);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
        .into_iter()
        .map(|p| {
            let v = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect()
}

fn replay(client: &str) -> usize {
    let mut world = World::new(Clock::starting_at(
        VTime(1_795_000_000_000),
        ClockMode::Manual,
        1.0,
    ));
    let mut n = 0;
    for (name, f) in fixtures(client) {
        let req = &f["request"];
        let mut headers = HeaderMap::new();
        for (k, v) in req["headers"].as_object().unwrap() {
            headers.insert(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v.as_str().unwrap()).unwrap(),
            );
        }
        let method = Method::from_bytes(req["method"].as_str().unwrap().as_bytes()).unwrap();
        let body = req["body"].as_str().unwrap().as_bytes();
        let path = req["path"].as_str().unwrap();
        let query = path.split_once('?').map(|(_, q)| q);
        let mut ctx = RequestContext::from_headers(&headers, "123456789012", "us-east-1");
        ctx.request_id = f["response"]["request_id"].as_str().unwrap().to_owned();

        let d = detect(&method, &headers, query, body)
            .unwrap_or_else(|r| panic!("{name}: not routed: {:?}", r.error));
        assert_eq!(d.service.name(), f["service"], "{name}");
        assert_eq!(d.operation, f["operation"].as_str().unwrap(), "{name}");
        let op = Operation::resolve(d.service, &d.operation).unwrap();
        let pk = PartitionKey::new(ctx.account.clone(), ctx.region.clone());
        let result = op.call(
            &mut world.scope(&pk),
            body,
            d.params.as_ref(),
            &ctx.request_id,
        );
        let (status, got) = match result {
            Ok(b) => (200, String::from_utf8(b).unwrap()),
            Err(e) => (
                e.status,
                match d.service.protocol() {
                    Protocol::Json => String::from_utf8(e.to_json_body()).unwrap(),
                    Protocol::Query => e.to_xml_body(ELBV2_NS, &ctx.request_id),
                },
            ),
        };
        assert_eq!(
            status as u64,
            f["response"]["status"].as_u64().unwrap(),
            "{name}: {got}"
        );
        assert_eq!(got, f["response"]["body"].as_str().unwrap(), "{name}");
        n += 1;
    }
    n
}

#[test]
fn aws_cli_requests_replay_byte_for_byte() {
    assert!(replay("aws-cli") >= 10);
}

#[test]
fn rust_sdk_requests_replay_byte_for_byte() {
    assert!(replay("rust-sdk") >= 8);
}

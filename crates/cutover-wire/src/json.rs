//! awsJson1.1 request decoding with AWS's error codes: malformed JSON and wrong member types →
//! `SerializationException`; a missing required member or a value outside an enum → the
//! service's validation code (ECS: `InvalidParameterException`), with AWS's
//! "1 validation error detected" wording and the member path.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::AwsError;

/// Decodes a request body into the operation's input type. An empty body counts as `{}`.
pub fn decode<T: DeserializeOwned>(
    body: &[u8],
    validation_code: &'static str,
) -> Result<T, AwsError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    let de = &mut serde_json::Deserializer::from_slice(body);
    let result: Result<T, _> = serde_path_to_error::deserialize(de);
    let value = result.map_err(|e| map_error(e, validation_code))?;
    Ok(value)
}

fn map_error(
    e: serde_path_to_error::Error<serde_json::Error>,
    validation_code: &'static str,
) -> AwsError {
    let path = e.path().to_string();
    let inner = e.inner();
    use serde_json::error::Category;
    match inner.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            AwsError::serialization(format!("Malformed JSON request body: {inner}"))
        }
        Category::Data => {
            let msg = inner.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg);
            if let Some(rest) = msg.strip_prefix("missing field `") {
                let field = rest.split('`').next().unwrap_or("");
                let full = if path == "." || path.is_empty() {
                    field.to_owned()
                } else {
                    format!("{path}.{field}")
                };
                AwsError::client(
                    validation_code,
                    format!("1 validation error detected: Value null at '{full}' failed to satisfy constraint: Member must not be null"),
                )
            } else if let Some(rest) = msg.strip_prefix("unknown variant `") {
                let mut quoted = rest.split('`').step_by(2);
                let value = quoted.next().unwrap_or("");
                let allowed: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
                let _ = quoted;
                AwsError::client(
                    validation_code,
                    format!(
                        "1 validation error detected: Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                        allowed.join(", ")
                    ),
                )
            } else {
                let at = if path == "." {
                    String::new()
                } else {
                    format!(" at '{path}'")
                };
                AwsError::serialization(format!("Cannot deserialize the request{at}: {msg}"))
            }
        }
    }
}

/// Serializes an output shape. Output types never fail to serialize (no maps with non-string
/// keys), so a failure is a bug and becomes a server fault.
pub fn encode<T: Serialize>(value: &T, fault_code: &'static str) -> Result<Vec<u8>, AwsError> {
    serde_json::to_vec(value).map_err(|_| AwsError::internal(fault_code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Input {
        cluster: String,
        max_results: Option<i32>,
        sort: Option<Sort>,
        items: Option<Vec<Item>>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "UPPERCASE")]
    enum Sort {
        Asc,
        Desc,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        key: String,
    }

    #[test]
    fn decodes_valid_input() {
        let i: Input = decode(
            br#"{"cluster":"c","maxResults":5,"sort":"DESC","extra":1}"#,
            "X",
        )
        .unwrap();
        assert_eq!(i.max_results, Some(5));
        assert_eq!(i.sort, Some(Sort::Desc));
    }

    #[test]
    fn error_codes() {
        let e = decode::<Input>(br#"{"cluster": "c""#, "InvalidParameterException").unwrap_err();
        assert_eq!(e.code, "SerializationException");
        let e = decode::<Input>(b"not json", "InvalidParameterException").unwrap_err();
        assert_eq!(e.code, "SerializationException");
        let e = decode::<Input>(br#"{"cluster": 5}"#, "InvalidParameterException").unwrap_err();
        assert_eq!(e.code, "SerializationException");
        assert!(e.message.contains("'cluster'"), "{}", e.message);
        let e = decode::<Input>(br#"[]"#, "InvalidParameterException").unwrap_err();
        assert_eq!(e.code, "SerializationException");
        let e = decode::<Input>(br#"{}"#, "InvalidParameterException").unwrap_err();
        assert_eq!(e.code, "InvalidParameterException");
        assert_eq!(e.message, "1 validation error detected: Value null at 'cluster' failed to satisfy constraint: Member must not be null");
        let e = decode::<Input>(br#"{"cluster":"c","items":[{"key":"a"},{}]}"#, "V").unwrap_err();
        assert!(e.message.contains("'items[1].key'"), "{}", e.message);
        let e = decode::<Input>(br#"{"cluster":"c","sort":"UP"}"#, "V").unwrap_err();
        assert_eq!(e.code, "V");
        assert_eq!(e.message, "1 validation error detected: Value 'UP' at 'sort' failed to satisfy constraint: Member must satisfy enum value set: [ASC, DESC]");
    }

    #[test]
    fn empty_body_is_an_empty_object() {
        #[derive(Deserialize)]
        struct Empty {}
        assert!(decode::<Empty>(b"", "V").is_ok());
        assert!(decode::<Empty>(b"  \n", "V").is_ok());
    }
}

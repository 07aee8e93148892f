//! The one AWS error type at the edge, and its rendering for each protocol.
//!
//! awsJson1.1: status, `x-amzn-ErrorType` header, body `{"__type": code, "message": text}`.
//! awsQuery: `<ErrorResponse><Error><Type>Sender|Receiver</Type><Code/><Message/></Error>
//! <RequestId/></ErrorResponse>` in the service's XML namespace.

use std::borrow::Cow;
use std::fmt;

use serde_json::{Map, Value};

use crate::xml::XmlWriter;

/// Whether the caller or the service is at fault (`Sender` / `Receiver` in awsQuery).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Sender,
    Receiver,
}

/// An error as AWS puts it on the wire: a code the clients map to an exception, a message, and
/// an HTTP status.
#[derive(Debug, Clone, PartialEq)]
pub struct AwsError {
    pub code: Cow<'static, str>,
    pub message: String,
    pub status: u16,
    /// Extra members of the JSON error shape (e.g. ECS `ConflictException.resourceIds`).
    pub extra: Option<Map<String, Value>>,
}

impl AwsError {
    pub fn new(
        code: impl Into<Cow<'static, str>>,
        status: u16,
        message: impl Into<String>,
    ) -> Self {
        AwsError {
            code: code.into(),
            message: message.into(),
            status,
            extra: None,
        }
    }

    /// A 400 client error with this code.
    pub fn client(code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self::new(code, 400, message)
    }

    pub fn with_extra(mut self, key: &str, value: Value) -> Self {
        self.extra
            .get_or_insert_with(Map::new)
            .insert(key.to_owned(), value);
        self
    }

    pub fn kind(&self) -> ErrorKind {
        if self.status >= 500 {
            ErrorKind::Receiver
        } else {
            ErrorKind::Sender
        }
    }

    /// awsJson unknown `X-Amz-Target` operation.
    pub fn unknown_operation(target: &str) -> Self {
        Self::client(
            "UnknownOperationException",
            format!("Unknown operation {target}"),
        )
    }

    /// awsJson body that is not JSON of the expected shape.
    pub fn serialization(message: impl Into<String>) -> Self {
        Self::client("SerializationException", message)
    }

    /// awsQuery unknown `Action`.
    pub fn invalid_action(action: &str, version: &str) -> Self {
        Self::client(
            "InvalidAction",
            format!("Could not find operation {action} for version {version}"),
        )
    }

    /// awsQuery parameter constraint violation.
    pub fn validation_error(message: impl Into<String>) -> Self {
        Self::client("ValidationError", message)
    }

    /// Body larger than the server accepts.
    pub fn too_large(protocol_code: &'static str, limit: usize) -> Self {
        Self::new(
            protocol_code,
            413,
            format!("Request body exceeds the maximum allowed size of {limit} bytes"),
        )
    }

    /// A panic or bug inside a handler. `code` is the service's fault code
    /// (`ServerException` for ECS, `InternalFailure` otherwise).
    pub fn internal(code: &'static str) -> Self {
        Self::new(
            code,
            500,
            "An internal error occurred in the emulator; it has been logged.",
        )
    }

    /// The body of an awsJson1.1 error response.
    pub fn to_json_body(&self) -> Vec<u8> {
        let mut m = Map::new();
        m.insert("__type".into(), Value::String(self.code.to_string()));
        m.insert("message".into(), Value::String(self.message.clone()));
        if let Some(extra) = &self.extra {
            for (k, v) in extra {
                m.insert(k.clone(), v.clone());
            }
        }
        serde_json::to_vec(&Value::Object(m)).unwrap_or_default()
    }

    /// The body of an awsQuery error response in namespace `ns`.
    pub fn to_xml_body(&self, ns: &str, request_id: &str) -> String {
        let mut w = XmlWriter::with_capacity(256 + self.message.len());
        w.declaration();
        w.open_ns("ErrorResponse", ns);
        w.open("Error");
        w.text_elem(
            "Type",
            match self.kind() {
                ErrorKind::Sender => "Sender",
                ErrorKind::Receiver => "Receiver",
            },
        );
        w.text_elem("Code", &self.code);
        w.text_elem("Message", &self.message);
        w.close("Error");
        w.text_elem("RequestId", request_id);
        w.close("ErrorResponse");
        w.finish()
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status, self.message)
    }
}

impl std::error::Error for AwsError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_error_body() {
        let e = AwsError::client("ClusterNotFoundException", "Cluster not found.");
        let v: Value = serde_json::from_slice(&e.to_json_body()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"__type": "ClusterNotFoundException", "message": "Cluster not found."})
        );
        let e = AwsError::client("ConflictException", "x")
            .with_extra("resourceIds", serde_json::json!(["a"]));
        let v: Value = serde_json::from_slice(&e.to_json_body()).unwrap();
        assert_eq!(v["resourceIds"][0], "a");
    }

    #[test]
    fn xml_error_body() {
        let e = AwsError::client(
            "TargetGroupNotFound",
            "One or more target groups not found & <gone>",
        );
        let body = e.to_xml_body("http://ns/", "rid-1");
        assert_eq!(
            body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ErrorResponse xmlns=\"http://ns/\"><Error><Type>Sender</Type>\
<Code>TargetGroupNotFound</Code><Message>One or more target groups not found &amp; &lt;gone&gt;</Message>\
</Error><RequestId>rid-1</RequestId></ErrorResponse>"
        );
        assert_eq!(
            AwsError::internal("InternalFailure").kind(),
            ErrorKind::Receiver
        );
    }
}

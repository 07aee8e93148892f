//! A small, allocation-light XML writer for awsQuery responses. Text is escaped with quick-xml;
//! structure is written straight into one `String`.

use std::fmt::{Display, Write};

use quick_xml::escape::escape;

/// The XML namespace of ELBv2 responses.
pub const ELBV2_NS: &str = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

#[derive(Debug, Default)]
pub struct XmlWriter {
    buf: String,
}

impl XmlWriter {
    pub fn with_capacity(n: usize) -> Self {
        XmlWriter {
            buf: String::with_capacity(n),
        }
    }

    pub fn declaration(&mut self) {
        self.buf
            .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    }

    pub fn open(&mut self, tag: &str) {
        self.buf.push('<');
        self.buf.push_str(tag);
        self.buf.push('>');
    }

    pub fn open_ns(&mut self, tag: &str, ns: &str) {
        self.buf.push('<');
        self.buf.push_str(tag);
        self.buf.push_str(" xmlns=\"");
        self.buf.push_str(&escape(ns));
        self.buf.push_str("\">");
    }

    pub fn close(&mut self, tag: &str) {
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
    }

    /// `<tag/>`
    pub fn empty(&mut self, tag: &str) {
        self.buf.push('<');
        self.buf.push_str(tag);
        self.buf.push_str("/>");
    }

    /// `<tag>escaped text</tag>`
    pub fn text_elem(&mut self, tag: &str, text: &str) {
        self.open(tag);
        self.buf.push_str(&escape(text));
        self.close(tag);
    }

    /// `<tag>text</tag>` when there is a value; nothing otherwise (AWS omits absent members).
    pub fn opt_text(&mut self, tag: &str, text: Option<&str>) {
        if let Some(t) = text {
            self.text_elem(tag, t);
        }
    }

    /// `<tag>value</tag>` for numbers and booleans (their `Display` needs no escaping).
    pub fn value_elem(&mut self, tag: &str, value: impl Display) {
        self.open(tag);
        let _ = write!(self.buf, "{value}");
        self.close(tag);
    }

    pub fn opt_value<T: Display>(&mut self, tag: &str, value: Option<T>) {
        if let Some(v) = value {
            self.value_elem(tag, v);
        }
    }

    /// `<tag><member>..</member>...</tag>`, each member written by `f`.
    pub fn list<I, F>(&mut self, tag: &str, items: I, mut f: F)
    where
        I: IntoIterator,
        F: FnMut(&mut Self, I::Item),
    {
        self.open(tag);
        for item in items {
            self.open("member");
            f(self, item);
            self.close("member");
        }
        self.close(tag);
    }

    /// `<tag><member>text</member>...</tag>`
    pub fn str_list<'a, I>(&mut self, tag: &str, items: I)
    where
        I: IntoIterator<Item = &'a str>,
    {
        self.list(tag, items, |w, s| w.raw_text(s));
    }

    /// Escaped text at the current position.
    pub fn raw_text(&mut self, text: &str) {
        self.buf.push_str(&escape(text));
    }

    pub fn finish(self) -> String {
        self.buf
    }
}

/// Renders a complete awsQuery success document:
/// `<{op}Response xmlns=ns><{op}Result>…</{op}Result><ResponseMetadata><RequestId/></ResponseMetadata></{op}Response>`.
pub fn query_response(
    op: &str,
    ns: &str,
    request_id: &str,
    capacity: usize,
    body: impl FnOnce(&mut XmlWriter),
) -> String {
    let mut w = XmlWriter::with_capacity(capacity + 256);
    w.declaration();
    let mut tag = String::with_capacity(op.len() + 8);
    tag.push_str(op);
    tag.push_str("Response");
    w.open_ns(&tag, ns);
    tag.truncate(op.len());
    tag.push_str("Result");
    w.open(&tag);
    body(&mut w);
    w.close(&tag);
    w.open("ResponseMetadata");
    w.text_elem("RequestId", request_id);
    w.close("ResponseMetadata");
    tag.truncate(op.len());
    tag.push_str("Response");
    w.close(&tag);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_envelope_and_lists() {
        let s = query_response("DescribeTargetGroups", ELBV2_NS, "r1", 0, |w| {
            w.list("TargetGroups", ["a&b", "c"], |w, name| {
                w.text_elem("TargetGroupName", name);
                w.value_elem("Port", 80);
                w.opt_text("Protocol", None);
            });
            w.str_list("Empty", []);
        });
        assert_eq!(
            s,
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeTargetGroupsResponse xmlns=\"{ELBV2_NS}\">\
<DescribeTargetGroupsResult><TargetGroups><member><TargetGroupName>a&amp;b</TargetGroupName><Port>80</Port></member>\
<member><TargetGroupName>c</TargetGroupName><Port>80</Port></member></TargetGroups><Empty></Empty>\
</DescribeTargetGroupsResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata>\
</DescribeTargetGroupsResponse>"
            )
        );
    }
}

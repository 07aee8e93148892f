//! awsQuery parameters: `Action`, `Version` and dotted member paths
//! (`Targets.member.1.Id=10.0.0.1`), with typed accessors that fail the way ELBv2 does
//! (`ValidationError`, 400).

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::error::AwsError;

/// All form parameters of a request (query string and body merged; the first value of a repeated
/// name wins).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryParams {
    map: BTreeMap<String, String>,
}

impl QueryParams {
    /// Parses `a=b&c=d` pieces (percent- and plus-decoded) into one parameter set.
    pub fn parse<'a>(sources: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut map = BTreeMap::new();
        for src in sources {
            for (k, v) in form_urlencoded::parse(src) {
                map.entry(k.into_owned()).or_insert_with(|| v.into_owned());
            }
        }
        QueryParams { map }
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            map.entry(k.into()).or_insert_with(|| v.into());
        }
        QueryParams { map }
    }

    pub fn raw(&self, name: &str) -> Option<&str> {
        self.map.get(name).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The view of the whole request (member paths relative to the root).
    pub fn root(&self) -> QueryView<'_> {
        QueryView {
            params: self,
            prefix: String::new(),
        }
    }
}

/// A view of the parameters under a prefix (a structure inside a list, say).
#[derive(Debug, Clone)]
pub struct QueryView<'a> {
    params: &'a QueryParams,
    prefix: String,
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

impl<'a> QueryView<'a> {
    fn key(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_owned()
        } else {
            let mut k = String::with_capacity(self.prefix.len() + 1 + name.len());
            k.push_str(&self.prefix);
            k.push('.');
            k.push_str(name);
            k
        }
    }

    /// The member path as AWS writes it in validation messages: `Targets.member.2.Port` →
    /// `targets.2.member.port`.
    pub fn path(&self, name: &str) -> String {
        let key = self.key(name);
        let parts: Vec<&str> = key.split('.').collect();
        let mut out: Vec<String> = Vec::with_capacity(parts.len());
        let mut i = 0;
        while i < parts.len() {
            if parts[i] == "member"
                && i + 1 < parts.len()
                && parts[i + 1].bytes().all(|b| b.is_ascii_digit())
            {
                out.push(parts[i + 1].to_owned());
                out.push("member".to_owned());
                i += 2;
            } else {
                out.push(lower_first(parts[i]));
                i += 1;
            }
        }
        out.join(".")
    }

    pub fn str(&self, name: &str) -> Option<&'a str> {
        self.params.raw(&self.key(name))
    }

    /// A required string: missing → `ValidationError` naming the member.
    pub fn req_str(&self, name: &str) -> Result<&'a str, AwsError> {
        self.str(name).ok_or_else(|| missing(&self.path(name)))
    }

    /// An optional typed scalar (integers, booleans): unparsable → `ValidationError`.
    pub fn parse<T: FromStr>(&self, name: &str) -> Result<Option<T>, AwsError> {
        match self.str(name) {
            None => Ok(None),
            Some(s) => s.trim().parse::<T>().map(Some).map_err(|_| {
                AwsError::validation_error(format!(
                    "1 validation error detected: Value '{s}' at '{}' failed to satisfy constraint: Member must be of the expected type",
                    self.path(name)
                ))
            }),
        }
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, AwsError> {
        match self.str(name) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(AwsError::validation_error(format!(
                "1 validation error detected: Value '{other}' at '{}' failed to satisfy constraint: Member must be a boolean (true or false)",
                self.path(name)
            ))),
        }
    }

    /// An integer that must lie in `[min, max]`, as AWS checks `PageSize` and the like.
    pub fn int_in(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, AwsError> {
        let v = self.parse::<i64>(name)?;
        if let Some(n) = v {
            if n < min || n > max {
                return Err(AwsError::validation_error(format!(
                    "1 validation error detected: Value '{n}' at '{}' failed to satisfy constraint: Member must have value {}",
                    self.path(name),
                    if n < min { format!("greater than or equal to {min}") } else { format!("less than or equal to {max}") }
                )));
            }
        }
        Ok(v)
    }

    /// An optional enum member: values outside `allowed` → `ValidationError` listing the set.
    pub fn enum_str(&self, name: &str, allowed: &[&str]) -> Result<Option<&'a str>, AwsError> {
        match self.str(name) {
            None => Ok(None),
            Some(v) if allowed.contains(&v) => Ok(Some(v)),
            Some(v) => Err(AwsError::validation_error(format!(
                "1 validation error detected: Value '{v}' at '{}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                self.path(name),
                allowed.join(", ")
            ))),
        }
    }

    /// Whether a list member was given at all (`Names=` counts: botocore's empty list).
    pub fn has_list(&self, name: &str) -> bool {
        let key = self.key(name);
        if self.params.map.contains_key(&key) {
            return true;
        }
        let member_prefix = format!("{key}.member.");
        self.params
            .map
            .range(member_prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&member_prefix))
    }

    /// Number of items of list `name` (`name.member.1 .. name.member.N`, contiguous from 1).
    fn list_len(&self, name: &str) -> usize {
        let key = self.key(name);
        let member_prefix = format!("{key}.member.");
        let mut max = 0usize;
        for (k, _) in self
            .params
            .map
            .range(member_prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&member_prefix))
        {
            let idx = &k[member_prefix.len()..];
            let idx = idx.split('.').next().unwrap_or("");
            if let Ok(n) = idx.parse::<usize>() {
                // Bounded: a request cannot name more items than it has parameters.
                if n <= self.params.len() {
                    max = max.max(n);
                }
            }
        }
        max
    }

    /// A list of strings (`Names.member.N`). `None` when absent; `Some(vec![])` for `Names=`.
    pub fn str_list(&self, name: &str) -> Option<Vec<&'a str>> {
        if !self.has_list(name) {
            return None;
        }
        let n = self.list_len(name);
        let key = self.key(name);
        let mut out = Vec::with_capacity(n);
        for i in 1..=n {
            if let Some(v) = self.params.raw(&format!("{key}.member.{i}")) {
                out.push(v);
            }
        }
        Some(out)
    }

    /// A list of structures: one view per item (`Targets.member.N.*`).
    pub fn struct_list(&self, name: &str) -> Option<Vec<QueryView<'a>>> {
        if !self.has_list(name) {
            return None;
        }
        let n = self.list_len(name);
        let key = self.key(name);
        Some(
            (1..=n)
                .map(|i| QueryView {
                    params: self.params,
                    prefix: format!("{key}.member.{i}"),
                })
                .collect(),
        )
    }

    /// A nested structure (`ForwardConfig.*`); `None` when no member of it was given.
    pub fn nested(&self, name: &str) -> Option<QueryView<'a>> {
        let key = self.key(name);
        let dotted = format!("{key}.");
        let present = self
            .params
            .map
            .range(dotted.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&dotted));
        present.then_some(QueryView {
            params: self.params,
            prefix: key,
        })
    }
}

/// `ValidationError` for a missing required member, in AWS's words.
pub fn missing(path: &str) -> AwsError {
    AwsError::validation_error(format!(
        "1 validation error detected: Value null at '{path}' failed to satisfy constraint: Member must not be null"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> QueryParams {
        QueryParams::parse([s.as_bytes()])
    }

    #[test]
    fn scalars_lists_and_structs() {
        let p = q(
            "Action=ModifyListener&Version=2015-12-01&ListenerArn=arn%3Al\
&DefaultActions.member.1.Type=forward\
&DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=arn%3Atg1\
&DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight=90\
&DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn=arn%3Atg2\
&DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.Weight=10\
&DefaultActions.member.1.ForwardConfig.TargetGroupStickinessConfig.Enabled=false",
        );
        let r = p.root();
        assert_eq!(r.str("ListenerArn"), Some("arn:l"));
        let actions = r.struct_list("DefaultActions").unwrap();
        assert_eq!(actions.len(), 1);
        assert_eq!(actions[0].str("Type"), Some("forward"));
        let fc = actions[0].nested("ForwardConfig").unwrap();
        let tgs = fc.struct_list("TargetGroups").unwrap();
        assert_eq!(tgs.len(), 2);
        assert_eq!(tgs[1].parse::<i32>("Weight").unwrap(), Some(10));
        assert_eq!(
            fc.nested("TargetGroupStickinessConfig")
                .unwrap()
                .bool("Enabled")
                .unwrap(),
            Some(false)
        );
        assert!(actions[0].nested("RedirectConfig").is_none());
        assert_eq!(
            tgs[1].path("Weight"),
            "defaultActions.1.member.forwardConfig.targetGroups.2.member.weight"
        );
    }

    #[test]
    fn empty_list_quirk_and_absent_lists() {
        let p = q("Names=&Other=1");
        assert_eq!(p.root().str_list("Names"), Some(vec![]));
        assert_eq!(p.root().str_list("Missing"), None);
        let p = q("Names.member.1=a&Names.member.2=b&Names.member.10=j");
        assert_eq!(p.root().str_list("Names").unwrap(), vec!["a", "b"]);
    }

    #[test]
    fn huge_indexes_do_not_allocate() {
        let p = q("Names.member.99999999999=a");
        assert_eq!(p.root().str_list("Names"), Some(vec![]));
    }

    #[test]
    fn typed_errors() {
        let p = q("PageSize=abc&Enabled=yes&Type=bogus&Big=500");
        let r = p.root();
        let e = r.parse::<i32>("PageSize").unwrap_err();
        assert_eq!(e.code, "ValidationError");
        assert!(e.message.contains("'pageSize'"), "{}", e.message);
        assert!(r.bool("Enabled").is_err());
        let e = r.enum_str("Type", &["forward", "redirect"]).unwrap_err();
        assert!(e.message.contains("[forward, redirect]"));
        let e = r.int_in("Big", 1, 400).unwrap_err();
        assert!(
            e.message.contains("less than or equal to 400"),
            "{}",
            e.message
        );
        assert_eq!(r.req_str("Nope").unwrap_err().message, "1 validation error detected: Value null at 'nope' failed to satisfy constraint: Member must not be null");
    }

    #[test]
    fn first_value_wins_and_sources_merge() {
        let p = QueryParams::parse([b"Action=A&X=1".as_slice(), b"X=2&Version=v".as_slice()]);
        assert_eq!(p.raw("X"), Some("1"));
        assert_eq!(p.raw("Version"), Some("v"));
    }
}

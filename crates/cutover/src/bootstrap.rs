//! `cutover serve --bootstrap FILE`: creates a ready environment at start-up from a YAML or JSON
//! file, through the same operation handlers the API uses (each entry is the input of one AWS
//! call). ARNs are not known in advance, so strings may reference resources created earlier in
//! the file: `${targetGroup:NAME}`, `${loadBalancer:NAME}`, `${listener:LB_NAME:PORT}`,
//! `${taskDefinition:FAMILY}` (latest revision) and `${cluster:NAME}`.
//!
//! Order of creation: clusters, taskDefinitions, targetGroups, loadBalancers (with their
//! listeners), services, applications, deploymentConfigs, deploymentGroups; then `hooks` are
//! mapped and the virtual clock advances by `settleSeconds` (default 300) so that services run
//! and their targets are healthy when the server starts. Any error names the file, the resource
//! and the reason, and the server does not start.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use cutover_api::Operation;
use cutover_core::{PartitionKey, World};
use cutover_wire::detect::Service;
use cutover_wire::query::QueryParams;
use serde_json::{Map, Value};

#[derive(Debug)]
pub struct BootstrapError(pub String);

impl std::fmt::Display for BootstrapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BootstrapError {}

/// What a bootstrap created.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub resources: usize,
    pub hooks: Vec<(String, String)>,
    pub settle_seconds: u64,
}

fn err(file: &Path, resource: &str, reason: impl std::fmt::Display) -> BootstrapError {
    BootstrapError(format!(
        "bootstrap {}: {resource}: {reason}",
        file.display()
    ))
}

/// Flattens a JSON input into awsQuery parameters (`List.member.N`, `Struct.Field`).
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&p, v, out);
            }
        }
        Value::Array(a) => {
            if a.is_empty() {
                out.push((prefix.to_owned(), String::new()));
            }
            for (i, v) in a.iter().enumerate() {
                flatten(&format!("{prefix}.member.{}", i + 1), v, out);
            }
        }
        Value::String(s) => out.push((prefix.to_owned(), s.clone())),
        Value::Bool(b) => out.push((prefix.to_owned(), b.to_string())),
        Value::Number(n) => out.push((prefix.to_owned(), n.to_string())),
        Value::Null => {}
    }
}

struct Ctx<'a> {
    file: &'a Path,
    dir: PathBuf,
    world: &'a mut World,
    pk: PartitionKey,
    refs: BTreeMap<String, String>,
    created: usize,
}

impl Ctx<'_> {
    /// Replaces `${kind:name}` references in every string of `v`.
    fn resolve(&self, resource: &str, v: &mut Value) -> Result<(), BootstrapError> {
        match v {
            Value::String(s) => {
                while let Some(start) = s.find("${") {
                    let end = s[start..].find('}').map(|e| start + e).ok_or_else(|| {
                        err(
                            self.file,
                            resource,
                            format!("unterminated reference in {s:?}"),
                        )
                    })?;
                    let key = &s[start + 2..end];
                    let value = self.refs.get(key).ok_or_else(|| {
                        err(self.file, resource, format!("unknown reference ${{{key}}} (references name resources created earlier in the file, e.g. ${{targetGroup:tg-a}}, ${{listener:my-alb:80}})"))
                    })?;
                    s.replace_range(start..=end, value);
                }
            }
            Value::Array(a) => {
                for x in a {
                    self.resolve(resource, x)?;
                }
            }
            Value::Object(m) => {
                for x in m.values_mut() {
                    self.resolve(resource, x)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Runs one AWS operation through the API's handlers; returns its JSON output (ELBv2 answers
    /// are XML and returned as a string value).
    fn call(
        &mut self,
        service: Service,
        op: &str,
        resource: &str,
        mut input: Value,
    ) -> Result<Value, BootstrapError> {
        self.resolve(resource, &mut input)?;
        let operation =
            Operation::resolve(service, op).map_err(|e| err(self.file, resource, e.message))?;
        let mut scope = self.world.scope(&self.pk);
        let result = match service {
            Service::Elbv2 => {
                let mut pairs = vec![
                    ("Action".to_owned(), op.to_owned()),
                    ("Version".to_owned(), "2015-12-01".to_owned()),
                ];
                flatten("", &input, &mut pairs);
                let params = QueryParams::from_pairs(pairs);
                operation
                    .call(&mut scope, b"", Some(&params), "bootstrap")
                    .map(|b| Value::String(String::from_utf8_lossy(&b).into_owned()))
            }
            _ => {
                let body = serde_json::to_vec(&input).unwrap_or_default();
                operation
                    .call(&mut scope, &body, None, "bootstrap")
                    .and_then(|b| {
                        serde_json::from_slice(&b)
                            .map_err(|_| cutover_wire::AwsError::internal("InternalFailure"))
                    })
            }
        };
        // Fire what the call scheduled at this instant (e.g. a service's first reconciliation).
        let _ = self.world.fire_due();
        self.created += 1;
        result.map_err(|e| err(self.file, resource, format!("{} ({})", e.message, e.code)))
    }

    fn xml_field(xml: &str, tag: &str) -> Option<String> {
        let open = format!("<{tag}>");
        let start = xml.find(&open)? + open.len();
        let end = xml[start..].find(&format!("</{tag}>"))? + start;
        Some(xml[start..end].to_owned())
    }
}

fn items<'a>(
    doc: &'a Map<String, Value>,
    key: &str,
    file: &Path,
) -> Result<Vec<&'a Value>, BootstrapError> {
    match doc.get(key) {
        None => Ok(Vec::new()),
        Some(Value::Array(a)) => Ok(a.iter().collect()),
        Some(_) => Err(err(file, key, "must be a list")),
    }
}

fn name_of(v: &Value, keys: &[&str]) -> String {
    keys.iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
        .unwrap_or("?")
        .to_owned()
}

const KNOWN_KEYS: &[&str] = &[
    "region",
    "account",
    "clusters",
    "taskDefinitions",
    "targetGroups",
    "loadBalancers",
    "services",
    "applications",
    "deploymentConfigs",
    "deploymentGroups",
    "hooks",
    "settleSeconds",
];

/// Reads and applies a bootstrap file to `world` (in the default partition unless the file names
/// `account` / `region`). Nothing is applied to a live server: on error the caller exits.
pub fn apply(
    world: &mut World,
    file: &Path,
    default_account: &str,
    default_region: &str,
) -> Result<Summary, BootstrapError> {
    let text = std::fs::read_to_string(file).map_err(|e| err(file, "file", e))?;
    let doc: Value = serde_norway::from_str(&text)
        .map_err(|e| err(file, "file", format!("not valid YAML or JSON: {e}")))?;
    let doc = doc
        .as_object()
        .ok_or_else(|| err(file, "file", "the top level must be a map"))?;
    for k in doc.keys() {
        if !KNOWN_KEYS.contains(&k.as_str()) {
            return Err(err(
                file,
                k,
                format!(
                    "unknown section; the sections are {}",
                    KNOWN_KEYS.join(", ")
                ),
            ));
        }
    }
    let account = doc
        .get("account")
        .and_then(|v| {
            v.as_str()
                .map(str::to_owned)
                .or_else(|| v.as_u64().map(|n| n.to_string()))
        })
        .unwrap_or_else(|| default_account.to_owned());
    let region = doc
        .get("region")
        .and_then(Value::as_str)
        .unwrap_or(default_region)
        .to_owned();
    let mut cx = Ctx {
        file,
        dir: file.parent().map(Path::to_path_buf).unwrap_or_default(),
        world,
        pk: PartitionKey::new(account, region),
        refs: BTreeMap::new(),
        created: 0,
    };

    for c in items(doc, "clusters", file)? {
        let name = name_of(c, &["clusterName"]);
        let out = cx.call(
            Service::Ecs,
            "CreateCluster",
            &format!("cluster {name}"),
            c.clone(),
        )?;
        let arn = out["cluster"]["clusterArn"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        cx.refs.insert(format!("cluster:{name}"), arn);
    }
    for t in items(doc, "taskDefinitions", file)? {
        // `{file: path}` loads a RegisterTaskDefinition input (e.g. `aws ecs register-task-definition --cli-input-json` files).
        let input = match t.get("file").and_then(Value::as_str) {
            Some(f) => {
                let p = cx.dir.join(f);
                let text = std::fs::read_to_string(&p)
                    .map_err(|e| err(file, &format!("task definition file {}", p.display()), e))?;
                serde_norway::from_str::<Value>(&text)
                    .map_err(|e| err(file, &format!("task definition file {}", p.display()), e))?
            }
            None => t.clone(),
        };
        let family = name_of(&input, &["family"]);
        let out = cx.call(
            Service::Ecs,
            "RegisterTaskDefinition",
            &format!("task definition {family}"),
            input,
        )?;
        let arn = out["taskDefinition"]["taskDefinitionArn"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        cx.refs.insert(format!("taskDefinition:{family}"), arn);
    }
    for tg in items(doc, "targetGroups", file)? {
        let name = name_of(tg, &["Name"]);
        let xml = cx.call(
            Service::Elbv2,
            "CreateTargetGroup",
            &format!("target group {name}"),
            tg.clone(),
        )?;
        let arn =
            Ctx::xml_field(xml.as_str().unwrap_or_default(), "TargetGroupArn").unwrap_or_default();
        cx.refs.insert(format!("targetGroup:{name}"), arn);
    }
    for lb in items(doc, "loadBalancers", file)? {
        let name = name_of(lb, &["Name"]);
        let mut input = lb.clone();
        let listeners = input
            .as_object_mut()
            .and_then(|o| o.remove("Listeners"))
            .unwrap_or(Value::Array(Vec::new()));
        let xml = cx.call(
            Service::Elbv2,
            "CreateLoadBalancer",
            &format!("load balancer {name}"),
            input,
        )?;
        let arn =
            Ctx::xml_field(xml.as_str().unwrap_or_default(), "LoadBalancerArn").unwrap_or_default();
        cx.refs.insert(format!("loadBalancer:{name}"), arn.clone());
        for l in listeners.as_array().into_iter().flatten() {
            let port = l.get("Port").map(|p| p.to_string()).unwrap_or_default();
            let mut li = l.clone();
            if let Some(o) = li.as_object_mut() {
                o.insert("LoadBalancerArn".into(), Value::String(arn.clone()));
            }
            let xml = cx.call(
                Service::Elbv2,
                "CreateListener",
                &format!("listener {name}:{port}"),
                li,
            )?;
            let larn =
                Ctx::xml_field(xml.as_str().unwrap_or_default(), "ListenerArn").unwrap_or_default();
            cx.refs.insert(format!("listener:{name}:{port}"), larn);
        }
    }
    for s in items(doc, "services", file)? {
        let name = name_of(s, &["serviceName"]);
        cx.call(
            Service::Ecs,
            "CreateService",
            &format!("service {name}"),
            s.clone(),
        )?;
    }
    for a in items(doc, "applications", file)? {
        let name = name_of(a, &["applicationName"]);
        cx.call(
            Service::CodeDeploy,
            "CreateApplication",
            &format!("application {name}"),
            a.clone(),
        )?;
    }
    for c in items(doc, "deploymentConfigs", file)? {
        let name = name_of(c, &["deploymentConfigName"]);
        cx.call(
            Service::CodeDeploy,
            "CreateDeploymentConfig",
            &format!("deployment config {name}"),
            c.clone(),
        )?;
    }
    for g in items(doc, "deploymentGroups", file)? {
        let name = name_of(g, &["deploymentGroupName"]);
        cx.call(
            Service::CodeDeploy,
            "CreateDeploymentGroup",
            &format!("deployment group {name}"),
            g.clone(),
        )?;
    }
    let mut hooks = Vec::new();
    if let Some(h) = doc.get("hooks") {
        let m = h.as_object().ok_or_else(|| {
            err(
                file,
                "hooks",
                "must be a map of Lambda function name to URL",
            )
        })?;
        for (name, url) in m {
            let url = url
                .as_str()
                .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
                .ok_or_else(|| {
                    err(
                        file,
                        &format!("hook {name}"),
                        "the URL must start with http:// or https://",
                    )
                })?;
            hooks.push((name.clone(), url.to_owned()));
        }
    }
    let settle = match doc.get("settleSeconds") {
        None => 300,
        Some(v) => v
            .as_u64()
            .ok_or_else(|| err(file, "settleSeconds", "must be a non-negative integer"))?,
    };
    let created = cx.created;
    world.advance(Duration::from_secs(settle));
    Ok(Summary {
        resources: created,
        hooks,
        settle_seconds: settle,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_like_botocore() {
        let mut out = Vec::new();
        flatten(
            "",
            &serde_json::json!({"Name": "x", "Subnets": ["a", "b"], "DefaultActions": [{"Type": "forward", "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": "t", "Weight": 5}]}}], "Tags": []}),
            &mut out,
        );
        let m: BTreeMap<_, _> = out.into_iter().collect();
        assert_eq!(m["Subnets.member.2"], "b");
        assert_eq!(
            m["DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight"],
            "5"
        );
        assert_eq!(m["Tags"], "");
    }
}

//! The AppSpec of an ECS deployment (CodeDeploy user guide, "AppSpec file structure for Amazon
//! ECS deployments"): YAML or JSON, keys matched case-insensitively. Structural problems are
//! `InvalidRevisionException` at CreateDeployment; whether the task definition, container and
//! port exist is checked when the deployment runs.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use cutover_core::deploy::engine::HOOK_EVENTS;
use cutover_core::deploy::AppSpec;
use cutover_wire::AwsError;

fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::client("InvalidRevisionException", message)
}

fn get<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Lowercase hex sha256 of the content.
pub fn sha256_hex(content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a hook value is a Lambda function name (optionally qualified), a partial ARN
/// (`123456789012:function:name`) or a full ARN.
pub fn valid_function(f: &str) -> bool {
    let name_ok = |n: &str| {
        let (name, qualifier) = n.split_once(':').unwrap_or((n, ""));
        !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && qualifier
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'$')
    };
    if let Some(rest) = f.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(6, ':').collect();
        return parts.len() == 6
            && parts[1] == "lambda"
            && parts[4] == "function"
            && name_ok(parts[5]);
    }
    let parts: Vec<&str> = f.splitn(3, ':').collect();
    if parts.len() == 3 && parts[1] == "function" {
        return parts[0].len() == 12
            && parts[0].bytes().all(|b| b.is_ascii_digit())
            && name_ok(parts[2]);
    }
    name_ok(f)
}

/// The function name a hook value names (an ARN resolves by its function name).
pub fn function_name(f: &str) -> &str {
    let tail = if let Some(i) = f.find(":function:") {
        &f[i + ":function:".len()..]
    } else {
        f
    };
    tail.split(':').next().unwrap_or(tail)
}

pub fn parse(content: &str) -> Result<AppSpec, AwsError> {
    let doc: Value = serde_norway::from_str(content).map_err(|e| {
        invalid(format!(
            "The AppSpec content is neither valid YAML nor JSON: {e}"
        ))
    })?;
    let root = doc.as_object().ok_or_else(|| {
        invalid(
            "The AppSpec content must be a map with 'version', 'Resources' and optional 'Hooks'.",
        )
    })?;
    let resources = get(root, "resources")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("The AppSpec must have a 'Resources' list."))?;
    let [resource] = resources.as_slice() else {
        return Err(invalid(format!("The AppSpec 'Resources' list must have exactly one element for an ECS deployment; it has {}.", resources.len())));
    };
    let resource = resource
        .as_object()
        .filter(|m| m.len() == 1)
        .ok_or_else(|| {
            invalid("Each AppSpec resource must be a map with one key (e.g. TargetService).")
        })?;
    let (logical, body) = resource.iter().next().expect("one entry");
    let body = body.as_object().ok_or_else(|| {
        invalid(format!(
            "The AppSpec resource '{logical}' must be a map with Type and Properties."
        ))
    })?;
    let ty = get(body, "type").and_then(Value::as_str).unwrap_or("");
    if ty != "AWS::ECS::Service" {
        return Err(invalid(format!(
            "The AppSpec resource '{logical}' must have Type AWS::ECS::Service, not '{ty}'."
        )));
    }
    let props = get(body, "properties")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            invalid(format!(
                "The AppSpec resource '{logical}' must have Properties."
            ))
        })?;
    let task_definition = get(props, "taskdefinition")
        .and_then(string)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("The AppSpec Properties must have a TaskDefinition."))?;
    let lbi = get(props, "loadbalancerinfo").and_then(Value::as_object).ok_or_else(|| invalid("The AppSpec Properties must have LoadBalancerInfo with ContainerName and ContainerPort."))?;
    let container_name = get(lbi, "containername")
        .and_then(string)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("LoadBalancerInfo must have a ContainerName."))?;
    let container_port = get(lbi, "containerport")
        .and_then(string)
        .and_then(|p| p.parse::<i32>().ok())
        .filter(|p| (1..=65_535).contains(p))
        .ok_or_else(|| {
            invalid("LoadBalancerInfo must have a ContainerPort between 1 and 65535.")
        })?;
    let platform_version = get(props, "platformversion").and_then(string);
    let network_configuration = match get(props, "networkconfiguration") {
        None => None,
        Some(nc) => {
            let av = nc
                .as_object()
                .and_then(|o| get(o, "awsvpcconfiguration"))
                .and_then(Value::as_object)
                .ok_or_else(|| invalid("NetworkConfiguration must have AwsvpcConfiguration."))?;
            let list = |k: &str| {
                get(av, k)
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(string).collect::<Vec<_>>())
            };
            let (Some(subnets), Some(groups), Some(public)) = (
                list("subnets"),
                list("securitygroups"),
                get(av, "assignpublicip").and_then(string),
            ) else {
                return Err(invalid("AwsvpcConfiguration must give Subnets, SecurityGroups and AssignPublicIp (all or nothing)."));
            };
            if public != "ENABLED" && public != "DISABLED" {
                return Err(invalid(format!(
                    "AssignPublicIp must be ENABLED or DISABLED, not '{public}'."
                )));
            }
            Some(
                serde_json::json!({"awsvpcConfiguration": {"subnets": subnets, "securityGroups": groups, "assignPublicIp": public}}),
            )
        }
    };
    let mut hooks = Vec::new();
    if let Some(h) = get(root, "hooks") {
        let list = h.as_array().ok_or_else(|| invalid("The AppSpec 'Hooks' must be a list of single-key maps, e.g. - BeforeInstall: \"MyFunction\"."))?;
        for item in list {
            let m = item.as_object().filter(|m| m.len() == 1).ok_or_else(|| invalid("Each AppSpec hook must be a single-key map, e.g. - AfterAllowTestTraffic: \"MyValidationFunction\"."))?;
            let (event, f) = m.iter().next().expect("one entry");
            let Some(event) = HOOK_EVENTS.iter().find(|e| e.eq_ignore_ascii_case(event)) else {
                return Err(invalid(format!(
                    "'{event}' is not an ECS lifecycle hook; valid hooks are {}.",
                    HOOK_EVENTS.join(", ")
                )));
            };
            let f = f.as_str().ok_or_else(|| {
                invalid(format!(
                    "The {event} hook must name one Lambda function (a string)."
                ))
            })?;
            if !valid_function(f) {
                return Err(invalid(format!(
                    "The {event} hook value '{f}' is not a Lambda function name or ARN; write it as - {event}: \"MyFunction\" (or arn:aws:lambda:REGION:ACCOUNT:function:MyFunction)."
                )));
            }
            if hooks.iter().any(|(e, _): &(String, String)| e == event) {
                return Err(invalid(format!(
                    "The {event} hook is declared more than once."
                )));
            }
            hooks.push(((*event).to_owned(), f.to_owned()));
        }
    }
    Ok(AppSpec {
        task_definition,
        container_name,
        container_port,
        platform_version,
        network_configuration,
        hooks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = r#"
version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/my-app-task:2"
        LoadBalancerInfo:
          ContainerName: "app"
          ContainerPort: 8080
Hooks:
  - BeforeInstall: "CheckBefore"
  - AfterAllowTestTraffic: "arn:aws:lambda:us-east-1:123456789012:function:TestTraffic:live"
"#;

    #[test]
    fn yaml_and_json() {
        let a = parse(YAML).unwrap();
        assert_eq!(a.container_port, 8080);
        assert_eq!(a.hooks.len(), 2);
        assert_eq!(function_name(&a.hooks[1].1), "TestTraffic");
        let json = r#"{"version":0.0,"resources":[{"svc":{"type":"AWS::ECS::Service","properties":{"taskDefinition":"my-app-task:2","loadBalancerInfo":{"containerName":"app","containerPort":"8080"}}}}]}"#;
        let a = parse(json).unwrap();
        assert_eq!(a.task_definition, "my-app-task:2");
        assert!(a.hooks.is_empty());
    }

    #[test]
    fn structural_errors() {
        for bad in [
            "not: [valid",
            "version: 0.0",
            "Resources: []",
            "Resources:\n  - A:\n      Type: AWS::Lambda::Function\n",
            &YAML.replace("ContainerPort: 8080", "ContainerPort: 99999"),
            &YAML.replace(
                "- BeforeInstall: \"CheckBefore\"",
                "- BeforeInstall: 'LambdaFunction: X'",
            ),
            &YAML.replace("- BeforeInstall: \"CheckBefore\"", "- AllowTraffic: \"X\""),
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.code, "InvalidRevisionException", "{bad}");
        }
        let e = parse(&YAML.replace(
            "- BeforeInstall: \"CheckBefore\"",
            "- BeforeInstall: 'LambdaFunction: X'",
        ))
        .unwrap_err();
        assert!(
            e.message
                .contains("write it as - BeforeInstall: \"MyFunction\""),
            "{}",
            e.message
        );
    }

    #[test]
    fn sha() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

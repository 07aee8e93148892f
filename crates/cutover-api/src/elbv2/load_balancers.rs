//! ELBv2 load balancer operations and attributes.

use cutover_core::elbv2::{self as core_elb, LoadBalancer, NewLoadBalancer, DEFAULT_LB_ATTRIBUTES};
use cutover_core::Scope;
use cutover_wire::query::QueryView;
use cutover_wire::xml::XmlWriter;
use cutover_wire::AwsError;

use super::{
    attributes, bad_marker, check_name, err, page_size, strings, tags, time_elem, write_attributes,
    Empty, FromQuery, ToXml,
};
use crate::page;

/// The hosted zone of ALBs in us-east-1 (AWS publishes one per region; we use one for all).
const CANONICAL_HOSTED_ZONE_ID: &str = "Z35SXDOTRQ7X7K";

fn write_load_balancer(w: &mut XmlWriter, lb: &LoadBalancer, region: &str) {
    w.text_elem("LoadBalancerArn", &lb.arn);
    w.text_elem("DNSName", &lb.dns_name);
    w.text_elem("CanonicalHostedZoneId", CANONICAL_HOSTED_ZONE_ID);
    time_elem(w, "CreatedTime", lb.created_at);
    w.text_elem("LoadBalancerName", &lb.name);
    w.text_elem("Scheme", &lb.scheme);
    w.text_elem("VpcId", &lb.vpc_id);
    w.open("State");
    w.text_elem("Code", lb.state.as_str());
    w.close("State");
    w.text_elem("Type", &lb.lb_type);
    w.list("AvailabilityZones", &lb.subnets, |w, subnet| {
        w.text_elem("ZoneName", &core_elb::zone_of(region, subnet));
        w.text_elem("SubnetId", subnet);
        w.empty("LoadBalancerAddresses");
    });
    if lb.lb_type == "application" {
        w.str_list(
            "SecurityGroups",
            lb.security_groups.iter().map(String::as_str),
        );
    }
    w.text_elem("IpAddressType", &lb.ip_address_type);
}

pub fn lb_not_found() -> AwsError {
    err(
        "LoadBalancerNotFound",
        "One or more load balancers not found",
    )
}

pub struct CreateLoadBalancerInput {
    pub name: String,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub scheme: String,
    pub lb_type: String,
    pub ip_address_type: String,
    pub tags: Vec<cutover_core::ecs::Tag>,
}

impl FromQuery for CreateLoadBalancerInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        let mut subnets = strings(q, "Subnets").unwrap_or_default();
        if let Some(maps) = q.struct_list("SubnetMappings") {
            for m in maps {
                subnets.push(m.req_str("SubnetId")?.to_owned());
            }
        }
        Ok(CreateLoadBalancerInput {
            name: q.req_str("Name")?.to_owned(),
            subnets,
            security_groups: strings(q, "SecurityGroups").unwrap_or_default(),
            scheme: q
                .enum_str("Scheme", &["internet-facing", "internal"])?
                .unwrap_or("internet-facing")
                .to_owned(),
            lb_type: q
                .enum_str("Type", &["application", "network", "gateway"])?
                .unwrap_or("application")
                .to_owned(),
            ip_address_type: q
                .enum_str(
                    "IpAddressType",
                    &["ipv4", "dualstack", "dualstack-without-public-ipv4"],
                )?
                .unwrap_or("ipv4")
                .to_owned(),
            tags: tags(q)?,
        })
    }
}

pub struct LoadBalancersOutput<'a> {
    pub load_balancers: Vec<&'a LoadBalancer>,
    pub region: &'a str,
    pub next_marker: Option<String>,
}

impl ToXml for LoadBalancersOutput<'_> {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.list("LoadBalancers", &self.load_balancers, |w, lb| {
            write_load_balancer(w, lb, self.region)
        });
        w.opt_text("NextMarker", self.next_marker.as_deref());
    }
}

pub fn create_load_balancer<'s>(
    s: &'s mut Scope<'_>,
    input: CreateLoadBalancerInput,
) -> Result<LoadBalancersOutput<'s>, AwsError> {
    check_name("load balancer", &input.name)?;
    if input.name.starts_with("internal-") {
        return Err(AwsError::validation_error(format!(
            "The load balancer name '{}' is not valid: it cannot begin with 'internal-'",
            input.name
        )));
    }
    if input.lb_type != "application" {
        return Err(err(
            "InvalidConfigurationRequest",
            format!(
                "Load balancers of type '{}' are not supported by this emulator; use 'application'",
                input.lb_type
            ),
        ));
    }
    if input.subnets.len() < 2 {
        return Err(err(
            "InvalidConfigurationRequest",
            "At least two subnets in two different Availability Zones must be specified",
        ));
    }
    if let Some(existing) = s.state.elbv2.load_balancer_by_name(&input.name) {
        // Idempotent for an identical request; anything else is a duplicate.
        let same = existing.scheme == input.scheme
            && existing.lb_type == input.lb_type
            && existing.subnets == input.subnets;
        if !same {
            return Err(err(
                "DuplicateLoadBalancerName",
                "A load balancer with the same name exists, but with different settings",
            ));
        }
        let region = s.pk.region.as_str();
        let lb = s
            .state
            .elbv2
            .load_balancer_by_name(&input.name)
            .expect("checked above");
        return Ok(LoadBalancersOutput {
            load_balancers: vec![lb],
            region,
            next_marker: None,
        });
    }
    let lb = core_elb::create_load_balancer(
        s,
        NewLoadBalancer {
            name: input.name,
            scheme: input.scheme,
            lb_type: input.lb_type,
            ip_address_type: input.ip_address_type,
            subnets: input.subnets,
            security_groups: input.security_groups,
            tags: input.tags,
        },
    );
    let arn = lb.arn.clone();
    let lb = s
        .state
        .elbv2
        .load_balancer_by_arn(&arn)
        .expect("just created");
    Ok(LoadBalancersOutput {
        load_balancers: vec![lb],
        region: s.pk.region.as_str(),
        next_marker: None,
    })
}

pub struct DescribeLoadBalancersInput {
    pub arns: Option<Vec<String>>,
    pub names: Option<Vec<String>>,
    pub marker: Option<String>,
    pub page_size: usize,
}

impl FromQuery for DescribeLoadBalancersInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(DescribeLoadBalancersInput {
            arns: strings(q, "LoadBalancerArns"),
            names: strings(q, "Names"),
            marker: q.str("Marker").map(str::to_owned),
            page_size: page_size(q)?,
        })
    }
}

pub fn describe_load_balancers<'s>(
    s: &'s mut Scope<'_>,
    input: DescribeLoadBalancersInput,
) -> Result<LoadBalancersOutput<'s>, AwsError> {
    let st = &s.state.elbv2;
    let region = s.pk.region.as_str();
    let arns = input.arns.filter(|a| !a.is_empty());
    let names = input.names.filter(|n| !n.is_empty());
    if arns.is_some() && names.is_some() {
        return Err(AwsError::validation_error(
            "Load balancer names and load balancer ARNs cannot be specified at the same time",
        ));
    }
    if let Some(arns) = arns {
        let lbs = arns
            .iter()
            .map(|a| st.load_balancer_by_arn(a).ok_or_else(lb_not_found))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(LoadBalancersOutput {
            load_balancers: lbs,
            region,
            next_marker: None,
        });
    }
    if let Some(names) = names {
        let lbs = names
            .iter()
            .map(|n| st.load_balancer_by_name(n).ok_or_else(lb_not_found))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(LoadBalancersOutput {
            load_balancers: lbs,
            region,
            next_marker: None,
        });
    }
    let after = page::resume_after(input.marker.as_deref(), bad_marker)?;
    let (lbs, more) = st.list_load_balancers(after.as_deref(), input.page_size);
    Ok(LoadBalancersOutput {
        next_marker: page::next_token(more, lbs.last().map(|l| l.name.as_str())),
        load_balancers: lbs,
        region,
    })
}

pub struct LoadBalancerArnInput {
    pub arn: String,
}

impl FromQuery for LoadBalancerArnInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(LoadBalancerArnInput {
            arn: q.req_str("LoadBalancerArn")?.to_owned(),
        })
    }
}

/// Deleting a load balancer that does not exist succeeds, as AWS documents; one with deletion
/// protection on is refused.
pub fn delete_load_balancer(
    s: &mut Scope<'_>,
    input: LoadBalancerArnInput,
) -> Result<Empty, AwsError> {
    if let Some(lb) = s.state.elbv2.load_balancer_by_arn(&input.arn) {
        if lb
            .attributes
            .get("deletion_protection.enabled")
            .map(String::as_str)
            == Some("true")
        {
            return Err(err(
                "OperationNotPermitted",
                format!(
                    "Load balancer '{}' cannot be deleted because deletion protection is enabled",
                    input.arn
                ),
            ));
        }
    }
    core_elb::delete_load_balancer(s, &input.arn);
    Ok(Empty)
}

pub struct AttributesOutput<'a> {
    pub attributes: &'a std::collections::BTreeMap<String, String>,
}

impl ToXml for AttributesOutput<'_> {
    fn write_xml(&self, w: &mut XmlWriter) {
        write_attributes(w, self.attributes);
    }
}

pub fn describe_load_balancer_attributes<'s>(
    s: &'s mut Scope<'_>,
    input: LoadBalancerArnInput,
) -> Result<AttributesOutput<'s>, AwsError> {
    let lb = s
        .state
        .elbv2
        .load_balancer_by_arn(&input.arn)
        .ok_or_else(lb_not_found)?;
    Ok(AttributesOutput {
        attributes: &lb.attributes,
    })
}

pub struct ModifyLoadBalancerAttributesInput {
    pub arn: String,
    pub attributes: Vec<(String, String)>,
}

impl FromQuery for ModifyLoadBalancerAttributesInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(ModifyLoadBalancerAttributesInput {
            arn: q.req_str("LoadBalancerArn")?.to_owned(),
            attributes: attributes(q)?,
        })
    }
}

fn check_lb_attribute(key: &str, value: &str) -> Result<(), AwsError> {
    if !DEFAULT_LB_ATTRIBUTES.iter().any(|(k, _)| *k == key) {
        return Err(AwsError::validation_error(format!(
            "Load balancer attribute key '{key}' is not recognized"
        )));
    }
    let ok = if key.ends_with(".enabled") {
        matches!(value, "true" | "false")
    } else if key == "idle_timeout.timeout_seconds" {
        value.parse::<u32>().is_ok_and(|n| (1..=4000).contains(&n))
    } else if key == "client_keep_alive.seconds" {
        value
            .parse::<u32>()
            .is_ok_and(|n| (60..=604_800).contains(&n))
    } else {
        true
    };
    if ok {
        Ok(())
    } else {
        Err(err(
            "InvalidConfigurationRequest",
            format!("The value '{value}' is not valid for load balancer attribute '{key}'"),
        ))
    }
}

pub fn modify_load_balancer_attributes<'s>(
    s: &'s mut Scope<'_>,
    input: ModifyLoadBalancerAttributesInput,
) -> Result<AttributesOutput<'s>, AwsError> {
    if s.state.elbv2.load_balancer_by_arn(&input.arn).is_none() {
        return Err(lb_not_found());
    }
    for (k, v) in &input.attributes {
        check_lb_attribute(k, v)?;
    }
    let lb = s
        .state
        .elbv2
        .load_balancer_by_arn_mut(&input.arn)
        .expect("checked above");
    for (k, v) in input.attributes {
        lb.attributes.insert(k, v);
    }
    Ok(AttributesOutput {
        attributes: &lb.attributes,
    })
}

#!/usr/bin/python3
"""Reads facts that ../shared/reference/heat-resource-types.json leaves out
from Heat 19 itself (apt-get install python3-heat) and writes them as
packages/template/src/catalog/heat-extras.json:

- the schemas of the 15 hidden types Heat still registers (templates that use
  them validate in Heat, so they must validate in Hearth);
- the nested schemas of each type's update_policy keys;
- the types whose attributes are open-ended (get_attr accepts any name at
  validation time because the type resolves attributes itself);
- the types that support `deletion_policy: Snapshot`;
- the placeholder types that accept any properties (OS::Heat::None and the
  removed types Heat now implements with it).

Run from a directory that has no resource.py in it (it shadows a stdlib module).
This is a development tool: Hearth's build and tests never need Heat.
"""
import json
import os
import sys

from oslo_config import cfg

from heat.engine import properties, resource, resources
from heat.engine.resources.openstack.heat import none_resource

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'template', 'src', 'catalog', 'heat-extras.json')
REF = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared', 'reference', 'heat-resource-types.json')


def prop_schema(schema):
    out = {
        'type': schema.type.lower(),
        'required': bool(schema.required),
        'update_allowed': bool(schema.update_allowed),
        'immutable': bool(schema.immutable),
        'support_status': schema.support_status.status,
    }
    if schema.default is not None:
        out['default'] = schema.default
    if schema.constraints:
        out['constraints'] = [dict(c) for c in schema.constraints]
        for c in out['constraints']:
            c.pop('description', None)
    if schema.schema is not None:
        out['schema'] = {str(k): prop_schema(v) for k, v in schema.schema.items()}
    return out


def main():
    cfg.CONF([], project='heat')
    resources.initialise()
    registry = resources.global_env().registry._registry
    with open(REF) as f:
        known = json.load(f)
    hidden, update_policies, open_attributes, snapshot, any_properties = {}, {}, [], [], []
    for name, info in sorted(registry.items()):
        if name == 'resources':
            continue
        cls = info.get_class()
        if not isinstance(cls, type):
            continue
        if name not in known:
            schemata = properties.schemata(cls.properties_schema)
            attrs = dict(cls.attributes_schema)
            attrs.update(cls.base_attributes_schema)
            hidden[name] = {
                'support_status': cls.support_status.status,
                'properties': {k: prop_schema(v) for k, v in schemata.items()},
                'attributes': {k: {'type': getattr(v, 'type', None) or 'Any', 'support_status': v.support_status.status} for k, v in attrs.items()},
                'update_policy': sorted(cls.update_policy_schema),
            }
        if cls.update_policy_schema:
            update_policies[name] = {k: prop_schema(v) for k, v in properties.schemata(cls.update_policy_schema).items()}
        if cls.get_attribute is not resource.Resource.get_attribute or cls.FnGetAtt is not resource.Resource.FnGetAtt:
            open_attributes.append(name)
        if issubclass(cls, none_resource.NoneResource):
            any_properties.append(name)
        if callable(getattr(cls, 'handle_snapshot_delete', None)):
            snapshot.append(name)
    with open(OUT, 'w') as f:
        json.dump({'hidden_types': hidden, 'update_policy_schemas': update_policies,
                   'open_attribute_types': open_attributes, 'snapshot_types': snapshot,
                   'any_property_types': any_properties}, f, indent=1, sort_keys=True)
        f.write('\n')
    print('wrote', OUT, len(hidden), 'hidden types', file=sys.stderr)


if __name__ == '__main__':
    main()

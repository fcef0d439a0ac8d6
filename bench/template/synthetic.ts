// Synthetic HOT templates of a given size for the benchmarks: networks,
// ports, servers, volumes and software deployments, about 1.5 references per
// resource, comments and blank lines, the way hand-written templates look.

export function syntheticTemplate(resources: number): string {
  const out: string[] = [
    '# Synthetic template for benchmarks',
    'heat_template_version: 2018-08-31',
    `description: ${resources} resources of the kinds real templates use`,
    '',
    'parameters:',
    '  image:',
    '    type: string',
    '    default: cirros',
    '  flavor:',
    '    type: string',
    '    default: m1.small',
    '    constraints:',
    '      - allowed_values: [m1.small, m1.medium]',
    '',
    'resources:',
  ];
  // Groups of five: net, port, server, volume, deployment.
  for (let i = 0; i < resources; i++) {
    const g = Math.floor(i / 5);
    switch (i % 5) {
      case 0:
        out.push(`  # group ${g}`, `  net_${g}:`, '    type: OS::Neutron::Net', '    properties:', `      name: net-${g}`, '');
        break;
      case 1:
        out.push(
          `  port_${g}:`,
          '    type: OS::Neutron::Port',
          '    properties:',
          `      network: {get_resource: net_${g}}  # the group's network`,
          '      security_groups: [default]',
          '',
        );
        break;
      case 2:
        out.push(
          `  server_${g}:`,
          '    type: OS::Nova::Server',
          '    properties:',
          '      image: {get_param: image}',
          '      flavor: {get_param: flavor}',
          '      networks:',
          `        - port: {get_resource: port_${g}}`,
          '      user_data_format: SOFTWARE_CONFIG',
          '',
        );
        break;
      case 3:
        out.push(`  volume_${g}:`, '    type: OS::Cinder::Volume', '    properties:', '      size: 10', `      name: vol-${g}`, '');
        break;
      case 4:
        out.push(
          `  deploy_${g}:`,
          '    type: OS::Heat::SoftwareDeployment',
          g > 0 ? `    depends_on: [deploy_${g - 1}]` : '    depends_on: []',
          '    properties:',
          `      server: {get_resource: server_${g}}`,
          '      input_values:',
          `        volume: {get_resource: volume_${g}}`,
          '',
        );
        break;
    }
  }
  out.push('outputs:', '  first_server:', '    value: {get_attr: [server_0, first_address]}', '');
  return out.join('\n');
}

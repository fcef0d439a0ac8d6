// Which provider runs which type: Heat's own types, the simulated cloud for
// OpenStack's, and Hearth's local scripts when the operator allows them.
import type { ProviderRegistry, ResourceProvider } from '@hearth/engine';
import type { Store } from '@hearth/store';
import { builtinType } from '@hearth/template';
import { genericKind, openstackKinds, SimulatedCloud, simulated } from './cloud.ts';
import {
  configProvider,
  deploymentProvider,
  noneProvider,
  randomStringProvider,
  templateResourceProvider,
  testResourceProvider,
  valueProvider,
  waitConditionHandleProvider,
  waitConditionProvider,
} from './heat.ts';
import { extraTypes, LOCAL_SCRIPT } from './extra-types.ts';
import { AUTO_SCALING_GROUP, deploymentGroup, nestedGroup, RESOURCE_CHAIN, RESOURCE_GROUP } from './groups.ts';
import { localScriptProvider } from './local-script.ts';
import { scalingPolicyProvider } from './scaling.ts';
import {
  accessKeyProvider,
  AWS_AUTO_SCALING_GROUP,
  awsScalingPolicyProvider,
  awsStackProvider,
  awsWaitConditionHandleProvider,
  awsWaitConditionProvider,
  ec2InstanceKind,
  iamUserProvider,
  launchConfigurationProvider,
} from './aws.ts';

export interface RegistryOptions {
  store: Store;
  allowLocalScripts?: boolean;
}

export function createProviders(options: RegistryOptions): ProviderRegistry & { cloud: SimulatedCloud } {
  const cloud = new SimulatedCloud(options.store);
  const fixed = new Map<string, ResourceProvider>([
    ['OS::Heat::None', noneProvider],
    ['OS::Heat::TestResource', testResourceProvider],
    ['OS::Heat::RandomString', randomStringProvider],
    ['OS::Heat::Value', valueProvider],
    ['OS::Heat::WaitConditionHandle', waitConditionHandleProvider],
    ['OS::Heat::UpdateWaitConditionHandle', waitConditionHandleProvider],
    ['OS::Heat::WaitCondition', waitConditionProvider],
    ['OS::Heat::ResourceGroup', nestedGroup(RESOURCE_GROUP)],
    ['OS::Heat::ResourceChain', nestedGroup(RESOURCE_CHAIN)],
    ['OS::Heat::AutoScalingGroup', nestedGroup(AUTO_SCALING_GROUP)],
    ['OS::Heat::ScalingPolicy', scalingPolicyProvider],
    ['OS::Heat::SoftwareDeploymentGroup', nestedGroup(deploymentGroup('OS::Heat::SoftwareDeployment'))],
    ['OS::Heat::StructuredDeploymentGroup', nestedGroup(deploymentGroup('OS::Heat::StructuredDeployment'))],
    ['@template', templateResourceProvider],
    ['OS::Heat::SoftwareConfig', configProvider(cloud, 'software_config')],
    ['OS::Heat::StructuredConfig', configProvider(cloud, 'software_config')],
    ['OS::Heat::CloudConfig', configProvider(cloud, 'software_config')],
    ['OS::Heat::MultipartMime', configProvider(cloud, 'multipart')],
    ['OS::Heat::SoftwareDeployment', deploymentProvider(cloud)],
    ['OS::Heat::StructuredDeployment', deploymentProvider(cloud)],
  ]);
  for (const [type, spec] of Object.entries(openstackKinds())) fixed.set(type, simulated(cloud, spec));
  // Heat's AWS-compatible types (CloudFormation-format templates use them, and HOT ones may).
  fixed.set('AWS::AutoScaling::LaunchConfiguration', launchConfigurationProvider);
  fixed.set('AWS::AutoScaling::AutoScalingGroup', nestedGroup(AWS_AUTO_SCALING_GROUP));
  fixed.set('AWS::AutoScaling::ScalingPolicy', awsScalingPolicyProvider);
  fixed.set('AWS::CloudFormation::WaitConditionHandle', awsWaitConditionHandleProvider);
  fixed.set('AWS::CloudFormation::WaitCondition', awsWaitConditionProvider);
  fixed.set('AWS::EC2::Instance', simulated(cloud, ec2InstanceKind()));
  fixed.set('AWS::IAM::User', iamUserProvider);
  fixed.set('AWS::IAM::AccessKey', accessKeyProvider);
  fixed.set('AWS::CloudFormation::Stack', awsStackProvider);
  if (options.allowLocalScripts) fixed.set(LOCAL_SCRIPT, localScriptProvider);
  const generic = new Map<string, ResourceProvider>();
  return {
    cloud,
    provider(type: string) {
      const known = fixed.get(type);
      if (known) return known;
      // Every other OpenStack type of Heat's catalog runs on the simulated cloud.
      if (type.startsWith('OS::') && builtinType(type)) {
        let p = generic.get(type);
        if (!p) {
          p = simulated(cloud, genericKind(type));
          generic.set(type, p);
        }
        return p;
      }
      return undefined;
    },
    extraType: extraTypes(options.allowLocalScripts ?? false),
  };
}

export { extraTypes };

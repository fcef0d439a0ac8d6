// Finding a resource type in the palette: every word the user typed must
// appear in the type's name (split into words, so "security group" finds
// OS::Neutron::SecurityGroup), its service, or its description.
import { typeWords } from '@hearth/template';

export function paletteMatch(query: string, type: { name: string; description: string }): boolean {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const parts = type.name.split('::');
  const haystack = [type.name, ...parts.map(typeWords), type.description].join(' ').toLowerCase();
  return words.every((w) => haystack.includes(w));
}

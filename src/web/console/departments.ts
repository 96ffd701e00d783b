// Department tree helpers: the API returns a flat list with parentId links.
import type { Department } from '../api/types';

export interface DepartmentNode extends Department {
  children?: DepartmentNode[];
}

export interface DepartmentOption {
  id: number;
  name: string;
  depth: number;
  active: boolean;
}

/** Nest departments under their parents; a department whose parent is not visible becomes a root. */
export function buildDepartmentTree(items: readonly Department[]): DepartmentNode[] {
  const byId = new Map<number, DepartmentNode>();
  for (const d of items) byId.set(d.id, { ...d });
  // A parent chain that loops back (bad data) would hide its members; treat them as roots.
  const inCycle = (start: DepartmentNode): boolean => {
    let cur: DepartmentNode | undefined = start;
    for (let i = 0; i <= byId.size && cur; i++) {
      cur = cur.parentId !== null ? byId.get(cur.parentId) : undefined;
      if (cur === start) return true;
    }
    return false;
  };
  const roots: DepartmentNode[] = [];
  for (const node of byId.values()) {
    const parent = node.parentId !== null ? byId.get(node.parentId) : undefined;
    if (parent && !inCycle(node)) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  // Sibling order is the server's (its configured sort order), kept as received.
  return roots;
}

/** Tree order, flattened with depth, for select options. */
export function departmentOptions(items: readonly Department[]): DepartmentOption[] {
  const out: DepartmentOption[] = [];
  const seen = new Set<number>();
  const walk = (nodes: DepartmentNode[], depth: number): void => {
    for (const n of nodes) {
      if (seen.has(n.id)) continue; // guards against a parent cycle in bad data
      seen.add(n.id);
      out.push({ id: n.id, name: n.name, depth, active: n.active });
      if (n.children) walk(n.children, depth + 1);
    }
  };
  walk(buildDepartmentTree(items), 0);
  return out;
}

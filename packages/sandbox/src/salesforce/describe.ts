/**
 * Describe: global (/sobjects) and per object (/sobjects/X/describe), as seen by the
 * integration user (field permissions hide or lock fields).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
 */
import type { Permissions } from './context';
import type { FieldDef, FieldType, ObjectDef } from './schema';

/** Per-field FLS for the integration user; unset fields are read/edit. */
export class FieldPermissions implements Permissions {
  private readonly map = new Map<string, { read: boolean; edit: boolean }>();

  /** `set('Account.Engagement_Score__c', {read: true, edit: false})`. */
  set(field: string, perm: { read: boolean; edit: boolean }): void {
    this.map.set(field.toLowerCase(), { read: perm.read, edit: perm.read && perm.edit });
  }

  get(object: string, field: string): { read: boolean; edit: boolean } {
    return this.map.get(`${object}.${field}`.toLowerCase()) ?? { read: true, edit: true };
  }

  clear(): void {
    this.map.clear();
  }
}

const SOAP_TYPES: Record<FieldType, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  picklist: 'xsd:string',
  boolean: 'xsd:boolean',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  double: 'xsd:double',
  int: 'xsd:int',
  currency: 'xsd:double',
  percent: 'xsd:double',
  email: 'xsd:string',
  url: 'xsd:string',
  phone: 'xsd:string',
};

const TEXTUAL = new Set<FieldType>(['id', 'reference', 'string', 'textarea', 'picklist', 'email', 'url', 'phone']);

/** The field as the integration user sees it (or null when FLS hides it). */
export function visibleField(object: string, fd: FieldDef, perms: Permissions): FieldDef | null {
  if (fd.name === 'Id') return fd;
  const p = perms.get(object, fd.name);
  if (!p.read) return null;
  if (p.edit) return fd;
  return { ...fd, createable: false, updateable: false };
}

/** A DescribeFieldResult with the full key set (null where not applicable). */
export function describeField(fd: FieldDef): Record<string, unknown> {
  const textual = TEXTUAL.has(fd.type);
  const length = textual ? (fd.length ?? 255) : 0;
  const numeric = fd.type === 'double' || fd.type === 'currency' || fd.type === 'percent';
  const polymorphic = (fd.referenceTo?.length ?? 0) > 1;
  return {
    aggregatable: fd.type !== 'textarea',
    aiPredictionField: false,
    autoNumber: false,
    byteLength: textual ? length * 3 : 0,
    calculated: false,
    calculatedFormula: null,
    cascadeDelete: false,
    caseSensitive: false,
    compoundFieldName: null,
    controllerName: null,
    createable: fd.createable,
    custom: fd.custom,
    defaultValue: fd.type === 'boolean' ? false : null,
    defaultValueFormula: null,
    defaultedOnCreate: fd.type === 'boolean' || fd.name === 'OwnerId' || fd.name === 'Id',
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: fd.type === 'int' ? (fd.precision ?? 9) : 0,
    displayLocationInDecimal: false,
    encrypted: false,
    externalId: false,
    extraTypeInfo: fd.type === 'textarea' && (fd.length ?? 0) > 255 ? 'plaintextarea' : null,
    filterable: fd.filterable ?? fd.type !== 'textarea',
    filteredLookupInfo: null,
    groupable: fd.type !== 'textarea' && !numeric && fd.type !== 'datetime',
    highScaleNumber: false,
    htmlFormatted: false,
    idLookup: fd.name === 'Id' || fd.type === 'email',
    inlineHelpText: null,
    label: fd.label,
    length,
    mask: null,
    maskType: null,
    name: fd.name,
    nameField: fd.name === 'Name',
    namePointing: polymorphic,
    nillable: fd.nillable,
    permissionable: fd.nillable && fd.custom,
    picklistValues: (fd.picklistValues ?? []).map((v, i) => ({
      active: true,
      defaultValue: false,
      label: fd.picklistLabels?.[i] ?? v,
      validFor: null,
      value: v,
    })),
    polymorphicForeignKey: polymorphic,
    precision: numeric ? (fd.precision ?? 18) : 0,
    queryByDistance: false,
    referenceTargetField: null,
    referenceTo: fd.referenceTo ?? [],
    relationshipName: fd.relationshipName ?? null,
    relationshipOrder: null,
    restrictedDelete: false,
    restrictedPicklist: fd.restrictedPicklist ?? false,
    scale: numeric ? (fd.scale ?? 0) : 0,
    searchPrefilterable: false,
    soapType: SOAP_TYPES[fd.type],
    sortable: fd.type !== 'textarea',
    type: fd.type,
    unique: false,
    updateable: fd.updateable,
    writeRequiresMasterRead: false,
  };
}

/** The global-describe entry of one object. */
export function describeGlobalEntry(o: ObjectDef, version: string): Record<string, unknown> {
  const base = `/services/data/v${version}/sobjects/${o.name}`;
  const custom = o.name.endsWith('__c');
  return {
    activateable: false,
    associateEntityType: null,
    associateParentEntity: null,
    createable: true,
    custom,
    customSetting: false,
    deepCloneable: false,
    deletable: true,
    deprecatedAndHidden: false,
    feedEnabled: false,
    hasSubtypes: false,
    isInterface: false,
    isSubtype: false,
    keyPrefix: o.keyPrefix,
    label: o.label,
    labelPlural: o.labelPlural ?? `${o.label}s`,
    layoutable: true,
    mergeable: ['Account', 'Contact', 'Lead'].includes(o.name),
    mruEnabled: true,
    name: o.name,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: true,
    updateable: true,
    urls: {
      rowTemplate: `${base}/{ID}`,
      defaultValues: `${base}/defaultValues?recordTypeId&fields`,
      describe: `${base}/describe`,
      sobject: base,
    },
  };
}

/** The global describe body. */
export function describeGlobal(objects: ObjectDef[], version: string): Record<string, unknown> {
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: objects.map((o) => describeGlobalEntry(o, version)) };
}

/** The per-object describe body, fields filtered/locked by FLS. */
export function describeObject(
  o: ObjectDef,
  version: string,
  perms: Permissions,
  children: Array<{ childSObject: string; field: string; relationshipName: string | null }> = [],
): Record<string, unknown> {
  const entry = describeGlobalEntry(o, version);
  const fields = o.fields
    .map((fd) => visibleField(o.name, fd, perms))
    .filter((fd): fd is FieldDef => fd !== null)
    .map(describeField);
  return {
    ...entry,
    actionOverrides: [],
    childRelationships: children.map((c) => ({
      cascadeDelete: false,
      childSObject: c.childSObject,
      deprecatedAndHidden: false,
      field: c.field,
      junctionIdListNames: [],
      junctionReferenceTo: [],
      relationshipName: c.relationshipName,
      restrictedDelete: false,
    })),
    compactLayoutable: true,
    defaultImplementation: null,
    extendedBy: null,
    extendsInterfaces: null,
    fields,
    implementedBy: null,
    implementsInterfaces: null,
    listviewable: null,
    lookupLayoutable: null,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: [],
    searchLayoutable: true,
    sobjectDescribeOption: 'FULL',
    supportedScopes: [{ label: 'All', name: 'everything' }],
    urls: {
      ...(entry.urls as Record<string, string>),
      compactLayouts: `/services/data/v${version}/sobjects/${o.name}/describe/compactLayouts`,
      layouts: `/services/data/v${version}/sobjects/${o.name}/describe/layouts`,
    },
  };
}

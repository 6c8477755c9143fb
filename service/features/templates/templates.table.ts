export interface CaseTemplateTable {
  id: string;
  name: string;
  access_group_id: string;
  journal_code: string;
  /** JSON array of MetadataField. */
  fields: string;
  active: number;
}
export interface CaseTemplateDocumentTypeTable {
  template_id: string;
  document_type_id: string;
}

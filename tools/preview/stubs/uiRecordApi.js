/** Stand-in for lightning/uiRecordApi: getRecord and getRecords serve records from the preview registry. */
import { registry } from './registry.js';
import { answerGetRecords } from '../../../force-app/main/default/lwc/engagementScoreCard/__tests__/uiRecordPeople.js';

export class getRecord {
  constructor(dataCallback) {
    this.dataCallback = dataCallback;
    this.config = undefined;
    this.connected = false;
  }

  update(config) {
    this.config = config;
    this.emit();
  }

  connect() {
    this.connected = true;
    this.emit();
  }

  disconnect() {
    this.connected = false;
  }

  emit() {
    if (!this.connected || !this.config || !this.config.recordId) {
      return;
    }
    const id = this.config.recordId;
    const error = registry.recordErrors[id];
    const record = registry.records[id];
    // An id with neither a record nor an error never answers: the loading state.
    if (error) {
      this.dataCallback({ data: undefined, error });
    } else if (record) {
      this.dataCallback({ data: record, error: undefined });
    }
  }
}

/** Answers a batch of Contact/Lead ids as the preview user: hidden ids come back as 404, like records sharing hides. */
export class getRecords {
  constructor(dataCallback) {
    this.dataCallback = dataCallback;
    this.config = undefined;
    this.connected = false;
  }

  update(config) {
    this.config = config;
    this.emit();
  }

  connect() {
    this.connected = true;
    this.emit();
  }

  disconnect() {
    this.connected = false;
  }

  emit() {
    if (!this.connected || !this.config || !this.config.records) {
      return;
    }
    this.dataCallback({
      data: answerGetRecords(this.config, registry.people, registry.hiddenPeople),
      error: undefined,
    });
  }
}

/** Same contract as the platform's getFieldValue for a plain field. */
export function getFieldValue(record, field) {
  const entry = record && record.fields ? record.fields[field.fieldApiName] : undefined;
  return entry ? entry.value : undefined;
}

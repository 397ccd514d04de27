import { prodMonitoring } from './prod-monitoring.js';

export const MONITORING_RULES = [prodMonitoring] as const;

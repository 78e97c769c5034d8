// The event map the type tests declare, as a user would.
export type AppEvents = {
  'feature.used': { feature: string; count?: number; plan?: 'free' | 'pro' | 'enterprise' };
  'team member invited': { role: 'admin' | 'member' };
  'billing invoice payment failed': { amount_cents: number; currency: string };
};

// An interface works as well as a type alias.
export interface InterfaceEvents {
  'report.exported': { format: 'csv' | 'pdf' };
}

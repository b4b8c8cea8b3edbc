export type HealthStatus = 'up' | 'degraded' | 'down';
export interface ComponentHealth {
  status: HealthStatus;
  detail?: string;
}
export type HealthCheck = () => ComponentHealth | Promise<ComponentHealth>;

const SEVERITY: Record<HealthStatus, number> = { up: 0, degraded: 1, down: 2 };

/**
 * Components register a check; readiness is the worst of them. "degraded" means the process is
 * alive and will recover by itself (for example, consumption paused while Redis is away).
 */
export class HealthService {
  private readonly checks = new Map<string, HealthCheck>();

  register(component: string, check: HealthCheck): void {
    this.checks.set(component, check);
  }

  async report(): Promise<{ status: HealthStatus; components: Record<string, ComponentHealth> }> {
    const components: Record<string, ComponentHealth> = {};
    let status: HealthStatus = 'up';
    for (const [name, check] of this.checks) {
      let result: ComponentHealth;
      try {
        result = await Promise.race([
          Promise.resolve(check()),
          new Promise<ComponentHealth>((resolve) =>
            setTimeout(
              () => resolve({ status: 'down', detail: 'health check timed out' }),
              2000,
            ).unref(),
          ),
        ]);
      } catch (error) {
        result = { status: 'down', detail: (error as Error).message };
      }
      components[name] = result;
      if (SEVERITY[result.status] > SEVERITY[status]) status = result.status;
    }
    return { status, components };
  }
}

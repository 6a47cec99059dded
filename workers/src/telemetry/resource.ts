import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_NAMESPACE,
  ATTR_SERVICE_VERSION,
  SERVICE_NAMESPACE,
} from './attributes';
import type { ResolvedTelemetryOptions } from './config';

/** The resource (service identity) on every span and metric of one process. */
export function telemetryResource(o: ResolvedTelemetryOptions): Resource {
  return resourceFromAttributes({
    [ATTR_SERVICE_NAME]: o.serviceName,
    [ATTR_SERVICE_VERSION]: o.serviceVersion,
    [ATTR_SERVICE_NAMESPACE]: SERVICE_NAMESPACE,
    [ATTR_SERVICE_INSTANCE_ID]: o.serviceInstanceId,
  });
}

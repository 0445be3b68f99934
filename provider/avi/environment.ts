// Where a controller connection comes from outside a program: the environment variables the Avi Terraform provider
// and Ansible modules use, so operators set them once for every tool. Shared by the SDK and `avi-k8s plan`.
import * as fs from "node:fs";

export const AVI_ENVIRONMENT = {
  controller: "AVI_CONTROLLER",
  username: "AVI_USERNAME",
  password: "AVI_PASSWORD",
  token: "AVI_AUTH_TOKEN",
  tenant: "AVI_TENANT",
  apiVersion: "AVI_VERSION",
  caBundle: "AVI_CA_BUNDLE",
} as const;

/** A CA bundle is given either as PEM text or as the path of a PEM file. */
export function readCaBundle(bundle: string): string {
  return bundle.includes("-----BEGIN") ? bundle : fs.readFileSync(bundle, "utf8");
}

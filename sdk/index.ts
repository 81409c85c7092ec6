// `pulumi-zenlayer-vm`: Zenlayer Cloud VM instance sets for Pulumi programs.
export { type InstanceRecord, InstanceSet, type InstanceSetArgs } from "./instanceSet";
export * from "./lookups";

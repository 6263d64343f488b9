#ifndef VMX_CONFORMANCE_H
#define VMX_CONFORMANCE_H

/* KTAP suite "conformance": every failure path of VMXON and the VMCS
 * instructions, checked against the SDM on every CPU (README.md has the table). */
void vmx_conformance_run(void);

#endif

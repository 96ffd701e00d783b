// Who is applying (申请人身份). The platform has no real-name identity service, so by default identity is the
// subject's USCC, the agent's (经办人) name and mobile, and an uploaded 授权委托书 or 法定代表人身份证明书 that
// staff check before forwarding (issue 15 §1). A province that runs an identity service (e.g. a 政务服务网
// legal-person sign-in) plugs in here: an IdentityProvider that confirms the agent acts for the USCC.
export interface ApplicantClaim {
  uscc: string;
  agentName: string;
  agentMobile: string;
  /** An opaque token from the province's sign-in page, when the portal used one. */
  token?: string | null;
}

/** What the provider concluded. `confirmed` skips the uploaded proof of authority; otherwise staff check it. */
export type IdentityOutcome = { confirmed: true; by: string } | { confirmed: false };

/**
 * The plug-in point for a provincial identity service. Implementations live outside this domain (the shell
 * wires one into the repair routes); they must never throw for a plain "not confirmed".
 */
export interface IdentityProvider {
  verify(claim: ApplicantClaim): Promise<IdentityOutcome>;
}

/** The default: nothing is confirmed online; the uploaded proof of authority is checked by staff. */
export const STAFF_CHECKED_IDENTITY: IdentityProvider = {
  async verify() {
    return { confirmed: false };
  },
};

import { useState } from "preact/hooks";
import { type Problem, problemOf, signIn } from "../api";
import { Form, TextField } from "../ui/form";
import { Done } from "../ui/notice";
import { Screen } from "../ui/screen";

/** Sign-in with an admin key; Weft checks it (GET /v1/account) before the console keeps it. */
export function SignIn({ reason, onSignedIn }: { reason?: string; onSignedIn: () => void }) {
  const [key, setKey] = useState("");
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const submit = async () => {
    if (!key.trim()) {
      setProblem(explain({ status: -1, code: "EMPTY", message: "", details: [] }, key));
      return;
    }
    setPending(true);
    setProblem(undefined);
    try {
      await signIn(key);
      onSignedIn();
    } catch (error) {
      setProblem(explain(problemOf(error), key));
    } finally {
      setPending(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <Screen title="Sign in to the Weft console">
        {reason && <Done>{reason}</Done>}
        <p>
          Sign in with an admin key of your account (<code>wft_admin_…</code>). The console keeps it
          in this tab only, until you sign out or close the tab.
        </p>
        <Form
          label="Sign in"
          onSubmit={submit}
          problem={problem}
          onRetry={submit}
          paths={["key"]}
          pending={pending}
          submit="Sign in"
          pendingText="Checking the key…"
          problemTitle="Not signed in."
        >
          <TextField
            label="Admin key"
            name="key"
            type="password"
            autoComplete="off"
            spellcheck={false}
            required
            value={key}
            onValue={setKey}
            problem={problem}
            hint="An account's first admin key comes with the account (README, walk-through step 1)."
          />
        </Form>
      </Screen>
    </main>
  );
}

/** The sign-in's problem, said about the key field where it is about the key. */
function explain(problem: Problem, key: string): Problem {
  if (!key.trim()) {
    return {
      ...problem,
      message: "Enter a key.",
      details: [{ path: "key", message: "Required." }],
    };
  }
  if (problem.status === 401) {
    return {
      ...problem,
      message: "Weft did not accept this key.",
      details: [
        { path: "key", message: `${problem.message} Check that you pasted the whole key.` },
      ],
    };
  }
  if (problem.status === 403) {
    return {
      ...problem,
      message: "This key cannot run the console.",
      details: [
        {
          path: "key",
          message: "The console needs an admin key (wft_admin_…), not an integration key.",
        },
      ],
    };
  }
  return problem;
}

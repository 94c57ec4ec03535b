namespace Ppl.Examples.Tasks.Sentiment;

/// <summary>Monte Carlo metrics of a policy's continuations on the task's prompts.</summary>
/// <param name="Reward">Mean reward r of the policy's samples.</param>
/// <param name="RewardSe">Its standard error.</param>
/// <param name="Kl">KL(policy ‖ prior) = E_q[log q − log p] over whole continuations, in nats.</param>
/// <param name="KlSe">Its standard error.</param>
/// <param name="Distinct2">Distinct bigrams over all bigrams of the samples (diversity).</param>
/// <param name="Perplexity">exp(−mean log p per token) of the samples under the prior (fluency by the prior's judgement).</param>
/// <param name="WinRate">P(r(y) &gt; r(y′)) + ½ P(tie), y from the policy and y′ from the prior, same prompt.</param>
/// <param name="WinRateSe">Its standard error (per-sample win fractions treated as independent).</param>
public readonly record struct SentimentMetrics(double Reward, double RewardSe, double Kl, double KlSe, double Distinct2, double Perplexity,
    double WinRate, double WinRateSe);

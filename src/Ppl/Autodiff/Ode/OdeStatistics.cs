namespace Ppl.Autodiff;

/// <summary>What a solve cost.</summary>
/// <param name="Steps">Accepted steps.</param>
/// <param name="RejectedSteps">Rejected steps (error too large, or a non-finite or singular stage).</param>
/// <param name="RhsEvaluations">Evaluations of the right-hand side, Jacobian evaluations included.</param>
/// <param name="JacobianEvaluations">Evaluations of the right-hand side on the tape to take its Jacobians.</param>
public readonly record struct OdeStatistics(int Steps, int RejectedSteps, int RhsEvaluations, int JacobianEvaluations);

namespace Ppl.Autodiff;

/// <summary>A value-level system from an <see cref="OdeRhs"/>: z is y.</summary>
internal sealed class DoubleOdeSystem : OdeSystem
{
    private readonly OdeRhs _rhs;
    private readonly double[] _theta;

    public DoubleOdeSystem(OdeRhs rhs, int stateSize, double[] theta) : base(stateSize, stateSize)
    {
        _rhs = rhs;
        _theta = theta;
    }

    public override void Derivative(double t, double[] z, double[] dz)
    {
        Evaluations++;
        _rhs(t, z, _theta, dz);
    }

    public override void Linearize(double t, double[] z, double[] dz, double[] jacobian, double[] timeDerivative) =>
        throw new NotSupportedException("A right-hand side over doubles has no Jacobian; the stiff solver takes a RealOdeRhs.");
}

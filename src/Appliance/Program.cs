using Ristbond.Appliance.Cli;

return RistbondCli.Run(args);

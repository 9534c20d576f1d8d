// SPDX-License-Identifier: MIT
global using System;
global using System.Threading.Tasks;
global using FluentAssertions;
global using MongoDB.Bson;
global using MongoDB.Driver;
global using Xunit;
